import { asError, ConnectionClosedError } from '../errors';
import type { LinkEnd } from './link-end';
import type { Connection } from './types';

/** What a connection offers `onClose` beyond its public face: sending while closing. */
export interface SignOffCapable extends Connection {
  sendWhileClosing: Connection['send'];
  sendWhileClosing$: Connection['send$'];
}

/** What a graceful close works through: the steps are the connection's, the order is here. */
export interface ClosingLink {
  /** The link's end: a link that has ended has nothing left to close gracefully. */
  readonly end: LinkEnd;
  /** The connection `onClose` signs off on. */
  readonly connection: SignOffCapable;
  /** The `onClose` option (a sign-off), if any. */
  readonly onClose: ((conn: Connection) => unknown) | undefined;
  /** Milliseconds `onClose` gets (`sendTimeout`). */
  readonly signOffTimeout: number;
  /** From now on new sends are refused: stop the read timeout and idle pings, say `closing`. */
  begin(): void;
  /** While on, `onClose`'s sends still go out (and nobody else's). */
  signingOff(on: boolean): void;
  /** Settles when nothing is in flight and no `serve` handler runs. */
  whenIdle(): Promise<unknown>;
  /** The drain deadline passed: handlers stop, and whatever is pending fails with `errorFor`. */
  giveUp(errorFor: (written: boolean) => ConnectionClosedError): void;
  /** An `onClose` that failed: reported on `events$`. */
  report(error: Error): void;
  /** Hands what is queued to the socket and ends it (FIN). */
  endSocket(): void;
}

/**
 * A graceful `close()`: refuse new sends, let `onClose` sign off, wait for in-flight responses and
 * running handlers — all within `drainTimeout` from the call when there is one, after which what
 * is still pending fails — then end the socket. Resolves once the socket is closed.
 */
export async function closeGracefully(link: ClosingLink, drainTimeout: number | undefined): Promise<void> {
  const { end } = link;
  if (end.ended) return end.closed.then(() => undefined);
  link.begin();
  let drainTimer: NodeJS.Timeout | undefined;
  const drainDeadline = new Promise<'drainTimeout'>((resolve) => {
    if (drainTimeout !== undefined) drainTimer = setTimeout(() => resolve('drainTimeout'), drainTimeout);
  });
  const { onClose } = link;
  if (onClose !== undefined) {
    link.signingOff(true);
    const signedOff = signOff(link.connection, onClose, link.signOffTimeout).catch((error: unknown) =>
      link.report(asError(error)),
    );
    await Promise.race([signedOff, drainDeadline]);
    link.signingOff(false);
  }
  if ((await Promise.race([link.whenIdle(), drainDeadline])) === 'drainTimeout') {
    link.giveUp(
      (written) =>
        new ConnectionClosedError(`close: no response within the drainTimeout of ${drainTimeout} ms`, { written }),
    );
  }
  clearTimeout(drainTimer);
  if (!end.ended) link.endSocket();
  await end.closed;
}

/**
 * Runs a connection's `onClose` (a sign-off) and waits for it, but not for longer than `timeout` ms:
 * then the returned promise rejects saying so, so that `close()` always finishes (the callback
 * itself cannot be stopped; its sends have their own timeouts). A synchronous throw becomes a
 * rejection. `onClose` gets the connection as a view whose `send` and `send$` still work although
 * the connection already refuses new sends from everyone else — so it can sign off, and nothing
 * else can slip a request in.
 */
function signOff(conn: SignOffCapable, onClose: (conn: Connection) => unknown, timeout: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`onClose did not finish within ${timeout} ms`)), timeout);
  });
  const run = Promise.resolve().then(() => onClose(signOffView(conn)));
  return Promise.race([run, overdue]).then(
    () => clearTimeout(timer),
    (error: unknown) => {
      clearTimeout(timer);
      throw error;
    },
  );
}

function signOffView(conn: SignOffCapable): Connection {
  return new Proxy(conn, {
    get(target, property) {
      if (property === 'send') return target.sendWhileClosing.bind(target);
      if (property === 'send$') return target.sendWhileClosing$.bind(target);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
