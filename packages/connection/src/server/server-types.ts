import type { AddressInfo } from 'node:net';
import type * as tls from 'node:tls';
import type { Observable } from 'rxjs';
import type { LinkOptions } from '../connection/options';
import type { CloseOptions, Connection } from '../connection/types';
import type { RequestHandler, ServeOptions } from '../connection/request-handler';

/** TLS for a server: Node `tls.createServer` options (`key`, `cert`, `ca`, `requestCert`, ...). */
export type TlsServerOptions = tls.TlsOptions;

/** What `createServer` takes: how to listen, who may connect, and how every accepted connection behaves. */
export interface ServerOptions extends LinkOptions {
  /**
   * Serve TLS. For mutual TLS set `requestCert: true` and `ca` to the CA that signs client
   * certificates; `rejectUnauthorized` (true by default) then refuses clients without one.
   * Leave `handshakeTimeout` out of it: the top-level `handshakeTimeout` is the one (a nested one
   * is refused, since Node's own only reports a stalled handshake and keeps the socket).
   */
  tls?: TlsServerOptions;
  /**
   * Milliseconds from accept to the end of the TLS handshake; a socket that has not finished by
   * then is destroyed, freeing its slot, and reported as a `tlsError` (`TlsHandshakeTimeoutError`).
   * TLS servers only. Default 10 000.
   */
  handshakeTimeout?: number;
  /**
   * Sockets held at once, at most: live connections, TLS handshakes and connections still closing.
   * Sockets beyond it are closed at once and reported (`rejected`, reason `maxConnections`). Raise
   * it for terminal-facing hosts with many links; silent sockets give their slot back at
   * `readTimeout` (links a server accepts close on it) or `handshakeTimeout`. Default 1 024.
   */
  maxConnections?: number;
  /**
   * Sockets held at once from one IP address, at most (reason `maxConnectionsPerSource`), so one
   * misbehaving host cannot take every slot. Default: no limit beyond `maxConnections`.
   */
  maxConnectionsPerSource?: number;
  /**
   * The only sources accepted: IP addresses and CIDR ranges, IPv4 or IPv6 (`'10.20.0.0/16'`,
   * `'127.0.0.1'`, `'fd00::/8'`). Others are closed at once (reason `notAllowed`). An IPv4 client
   * seen through an IPv6 socket (`::ffff:10.20.1.5`) matches its IPv4 entry. Default: everyone.
   */
  allow?: readonly string[];
}

/** Why an accepted socket was closed at once. */
export type ServerRejectReason = 'maxConnections' | 'maxConnectionsPerSource' | 'notAllowed';

/** The server is listening. */
export interface ServerListeningEvent {
  type: 'listening';
  address: AddressInfo;
}

/** A connection was accepted (and its `onConnect` succeeded); it is on `connections$`. */
export interface ServerConnectionEvent {
  type: 'connection';
  remoteAddress: string;
}

/** A socket was closed as soon as it was accepted, for `reason`. */
export interface ServerRejectedEvent {
  type: 'rejected';
  remoteAddress: string;
  reason: ServerRejectReason;
}

/**
 * A client failed the TLS handshake: no client certificate or an untrusted one
 * (`ClientCertificateError`), no handshake within `handshakeTimeout` (`TlsHandshakeTimeoutError`),
 * plain TCP on a TLS server or TLS on a plain server (`TlsMismatchError`), a client that hung up.
 * `remoteAddress` is absent when the socket was already gone.
 */
export interface ServerTlsErrorEvent {
  type: 'tlsError';
  remoteAddress?: string;
  error: Error;
}

/** `onConnect` failed for an accepted socket, which was then closed. */
export interface ServerConnectFailedEvent {
  type: 'connectFailed';
  remoteAddress: string;
  error: Error;
}

/** A server-level failure that belongs to no caller (e.g. an accept error). */
export interface ServerErrorEvent {
  type: 'error';
  error: Error;
}

/** The server stopped (the last event). */
export interface ServerClosedEvent {
  type: 'closed';
}

/** Everything notable that happens on a server, by `type`. */
export type ServerEvent =
  | ServerListeningEvent
  | ServerConnectionEvent
  | ServerRejectedEvent
  | ServerTlsErrorEvent
  | ServerConnectFailedEvent
  | ServerErrorEvent
  | ServerClosedEvent;

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
  /**
   * Stops accepting and closes every connection gracefully, each with `options` (a
   * `drainTimeout` bounds how long their in-flight requests may still take); idempotent.
   */
  close(options?: CloseOptions): Promise<void>;
  /** The summary `util.inspect`, `String()` and `JSON.stringify` show: counts, never messages or buffers. */
  toJSON(): ServerSummary;
}

/** A server at a glance, as `toJSON()` gives it and `util.inspect` prints it. */
export interface ServerSummary {
  /** `host:port` it listens on, `null` before `listen` and after `close`. */
  address: string | null;
  tls: boolean;
  state: 'idle' | 'listening' | 'closing' | 'closed';
  /** Live connections. */
  connections: number;
  /** Sockets accepted and not yet connections (TLS handshake, `onConnect`). */
  accepting: number;
  maxConnections: number;
}
