import type { AddressInfo } from 'node:net';
import type * as tls from 'node:tls';
import type { Observable } from 'rxjs';
import type { LinkOptions } from '../connection/options';
import type { Connection } from '../connection/types';
import type { RequestHandler, ServeOptions } from '../connection/request-handler';

/** TLS for a server: Node `tls.createServer` options (`key`, `cert`, `ca`, `requestCert`, ...). */
export type TlsServerOptions = tls.TlsOptions;

/** What `createServer` takes: how to listen, plus how every accepted connection behaves. */
export interface ServerOptions extends LinkOptions {
  /**
   * Serve TLS. For mutual TLS set `requestCert: true` and `ca` to the CA that signs client
   * certificates; `rejectUnauthorized` (true by default) then refuses clients without one.
   */
  tls?: TlsServerOptions;
  /** Live connections at most; sockets beyond it are closed at once and reported. Default unlimited. */
  maxConnections?: number;
}

/** Everything notable that happens on a server, by `type`. */
export type ServerEvent =
  /** The server is listening. */
  | { type: 'listening'; address: AddressInfo }
  /** A connection was accepted (and its `onConnect` succeeded); it is on `connections$`. */
  | { type: 'connection'; remoteAddress: string }
  /** A socket was closed at once because `maxConnections` connections are live. */
  | { type: 'rejected'; remoteAddress: string; reason: 'maxConnections' }
  /**
   * A client failed the TLS handshake (no client certificate, refused our certificate, wrong
   * protocol, ...). `remoteAddress` is absent when the socket was already gone.
   */
  | { type: 'tlsError'; remoteAddress?: string; error: Error }
  /** `onConnect` failed for an accepted socket, which was then closed. */
  | { type: 'connectFailed'; remoteAddress: string; error: Error }
  /** A server-level failure that belongs to no caller (e.g. an accept error). */
  | { type: 'error'; error: Error }
  /** The server stopped (the last event). */
  | { type: 'closed' };

/**
 * An ISO 8583 server: an acquirer or issuer endpoint, or a switch simulator. Each accepted socket
 * is a full `Connection`: it can `reply` to the client's requests and `send` requests of its own.
 *
 * @example
 * ```ts
 * const server = createServer({ spec: spec87ascii });
 * server.connections$.subscribe((conn) =>
 *   conn.inbound$.subscribe((request) => conn.reply(approve(request))),
 * );
 * const { port } = await server.listen(0, '127.0.0.1');
 * // ...
 * await server.close();
 * ```
 */
export interface Server {
  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Each accepted connection; those accepted before the first subscription are held for it. Completes on close. */
  readonly connections$: Observable<Connection>;
  /** Server lifecycle and diagnostics; completes after `closed`. */
  readonly events$: Observable<ServerEvent>;
  /** The live connections right now. */
  readonly connections: ReadonlySet<Connection>;
  /**
   * Answers every request on every connection — those live now and each one accepted later —
   * with `handler` (see `Connection.serve`). Connections still appear on `connections$`, where
   * `inbound$` then carries only late and unmatched responses.
   *
   * @throws TypeError | RangeError for a bad handler or options, Error when already serving.
   * @example
   * ```ts
   * server.serve((request) => request.toResponse({ 39: '00' }));
   * ```
   */
  serve(handler: RequestHandler, options?: ServeOptions): void;
  /** The bound address, once listening. */
  address(): AddressInfo | undefined;
  /** Stops accepting and closes every connection gracefully; idempotent. */
  close(): Promise<void>;
}
