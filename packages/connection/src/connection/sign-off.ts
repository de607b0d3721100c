import type { Connection } from './types';

/** What a connection offers `onClose` beyond its public face: sending while closing. */
export interface SignOffCapable extends Connection {
  sendWhileClosing: Connection['send'];
  sendWhileClosing$: Connection['send$'];
}

/**
 * Runs a connection's `onClose` (a sign-off) and waits for it, but not for longer than `timeout` ms:
 * then the returned promise rejects saying so, so that `close()` always finishes (the callback
 * itself cannot be stopped; its sends have their own timeouts). A synchronous throw becomes a
 * rejection. `onClose` gets the connection as a view whose `send` and `send$` still work although
 * the connection already refuses new sends from everyone else — so it can sign off, and nothing
 * else can slip a request in.
 */
export function signOff(conn: SignOffCapable, onClose: (conn: Connection) => unknown, timeout: number): Promise<void> {
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
