import type * as net from 'node:net';
import { ConnectError } from '../errors';
import type { ResolvedLinkOptions } from './options';
import { SocketConnection } from './connection';
import type { Connection } from './types';

/**
 * The sign-on step: wraps an open socket (dialled or accepted) in a `SocketConnection` and runs
 * `onConnect` on it. Resolves with the connection once `onConnect` is done; if it rejects, takes
 * longer than `signOnTimeout` (code `SIGN_ON_TIMEOUT`), or `signal` aborts meanwhile, the
 * connection is destroyed and the promise rejects with a `ConnectError` (the original error as its
 * `cause`).
 */
export async function openConnection(
  socket: net.Socket,
  options: ResolvedLinkOptions,
  signal?: AbortSignal,
): Promise<SocketConnection> {
  const conn = new SocketConnection(socket, options);
  const onConnect = options.onConnect;
  if (onConnect === undefined) return conn;
  const address = conn.remoteAddress;
  let onAbort: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timedOut = new Promise<never>((_, reject) => {
      const ms = options.signOnTimeout;
      timer = setTimeout(
        () =>
          reject(
            new ConnectError(address, 'SIGN_ON_TIMEOUT', `onConnect did not finish within ${ms} ms (signOnTimeout)`),
          ),
        ms,
      );
    });
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () =>
        reject(new ConnectError(address, 'ABORT_ERR', 'aborted during onConnect', { cause: signal?.reason }));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    const closedEarly = conn.closed.then((info) => {
      throw new ConnectError(address, 'ECONNRESET', `connection ended during onConnect (${info.reason})`, {
        cause: info.error,
      });
    });
    // Both lose the race on success; they must not surface later as unhandled rejections.
    closedEarly.catch(ignore);
    aborted.catch(ignore);
    timedOut.catch(ignore);
    await Promise.race([Promise.resolve(onConnect(conn as Connection)), aborted, closedEarly, timedOut]);
    return conn;
  } catch (error) {
    // When the link itself failed (a TLS 1.3 server refusing our certificate surfaces only now),
    // that is the story to tell, not the sign-on that tripped over it.
    const linkFailure = conn.failure;
    const failure =
      linkFailure instanceof ConnectError
        ? linkFailure
        : error instanceof ConnectError
          ? error
          : new ConnectError(address, 'ON_CONNECT', `onConnect failed: ${describe(error)}`, { cause: error });
    conn.destroy(failure);
    throw failure;
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

const ignore = (): void => undefined;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
