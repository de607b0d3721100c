import { Observable } from 'rxjs';
import { ConnectionClosedError } from '../errors';
import { dial } from './dial';
import { openConnection } from './sign-on';
import {
  CONNECTION_OPTION_KEYS,
  resolveLinkOptions,
  validateDialOptions,
  type ConnectionOptions,
  type ResolvedLinkOptions,
} from './options';
import type { SocketConnection } from './connection';
import type { Connection } from './types';

/**
 * Validates `ConnectionOptions` as `connect` does, without dialling: throws the `TypeError` or
 * `RangeError` `connect` would. Returns the dialing settings and the resolved link options.
 */
export function checkConnectionOptions(
  where: string,
  options: ConnectionOptions,
): { connectTimeout: number; tcpKeepAlive: number | false; link: ResolvedLinkOptions } {
  const dialing = validateDialOptions(where, options);
  return { ...dialing, link: resolveLinkOptions(where, options, 'dialled', CONNECTION_OPTION_KEYS) };
}

/**
 * A connection as a cold Observable. Subscribing dials (TCP, or TLS when `tls` is set), runs
 * `onConnect` (e.g. a sign-on), then emits the `Connection`. Unsubscribing closes it gracefully.
 * It completes when the connection is closed by us, and errors with `ConnectionClosedError`
 * (the cause attached) when the peer or the network ends it — so `retryWithBackoff` turns it
 * into a self-healing link. Failing to connect errors with `ConnectTimeoutError` or `ConnectError`.
 *
 * @throws TypeError | RangeError synchronously for invalid options.
 * @example
 * ```ts
 * createConnection$({ host: '127.0.0.1', port: 8583, spec: spec87ascii, onConnect: signOn })
 *   .pipe(retryWithBackoff({ initial: 1_000, max: 30_000 }))
 *   .subscribe((conn) => conn.inbound$.subscribe((m) => conn.reply(answer(m))));
 * ```
 */
export function createConnection$(options: ConnectionOptions): Observable<Connection> {
  const where = 'createConnection$';
  const { connectTimeout, tcpKeepAlive, link } = checkConnectionOptions(where, options);
  const { host, port, tls } = options;

  return new Observable<Connection>((subscriber) => {
    const attempt = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, attempt.signal]) : attempt.signal;
    let conn: SocketConnection | undefined;

    dial({ host, port, tls, connectTimeout, tcpKeepAlive, signal })
      .then((socket) => openConnection(socket, link, signal))
      .then(
        (opened) => {
          conn = opened;
          if (subscriber.closed) {
            void opened.close();
            return;
          }
          subscriber.next(opened);
          void opened.closed.then((info) => {
            if (info.reason === 'local') subscriber.complete();
            else {
              const why =
                info.reason === 'peer' ? 'connection closed by the peer' : `connection failed: ${info.error?.message}`;
              subscriber.error(new ConnectionClosedError(why, { cause: info.error }));
            }
          });
        },
        (error: unknown) => subscriber.error(error),
      );

    return () => {
      attempt.abort();
      void conn?.close();
    };
  });
}

/**
 * Dials, runs `onConnect`, and resolves with the `Connection` — for code that does not use RxJS.
 * The connection lives until `close()` (or until the peer or network ends it: see `closed`).
 * Rejects with `ConnectTimeoutError`, `ConnectError`, or a `TypeError`/`RangeError` for invalid options.
 *
 * @example
 * ```ts
 * const conn = await connect({ host: '127.0.0.1', port: 8583, spec: spec87ascii, connectTimeout: 5_000 });
 * const response = await conn.send(echo);
 * await conn.close();
 * ```
 */
export async function connect(options: ConnectionOptions): Promise<Connection> {
  const where = 'connect';
  const { connectTimeout, tcpKeepAlive, link } = checkConnectionOptions(where, options);
  const { host, port, tls, signal } = options;
  const socket = await dial({ host, port, tls, connectTimeout, tcpKeepAlive, signal });
  return openConnection(socket, link, signal);
}
