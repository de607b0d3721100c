import * as net from 'node:net';
import * as tls from 'node:tls';
import { Observable, Subject } from 'rxjs';
import { HeldUntilSubscribed } from '../connection/held-until-subscribed';
import { openConnection } from '../connection/open-connection';
import { resolveLinkOptions, type ResolvedLinkOptions } from '../connection/options';
import { peerAddress } from '../connection/socket-lifecycle';
import { asError } from '../errors';
import type { SocketConnection } from '../connection/socket-connection';
import type { Connection } from '../connection/types';
import { resolveServeOptions, type RequestHandler, type ServeOptions } from '../connection/request-handler';
import type { Server, ServerEvent, ServerOptions } from './server-types';
import { explainTlsClientError } from './tls-client-error';

/** The `Server` behind `createServer`. */
class ConnectionServer implements Server {
  readonly connections$: Observable<Connection>;
  readonly events$: Observable<ServerEvent>;
  private readonly live = new Set<SocketConnection>();
  /** Accepted sockets not yet turned into connections (TLS handshake, onConnect). */
  private readonly accepting = new Set<net.Socket>();
  private readonly accepted: HeldUntilSubscribed<Connection>;
  private readonly events = new Subject<ServerEvent>();
  private readonly server: net.Server;
  private closing: Promise<void> | undefined;
  private closedEvent = false;
  private handler: { handler: RequestHandler; options: ServeOptions | undefined } | undefined;

  constructor(
    private readonly link: ResolvedLinkOptions,
    options: ServerOptions,
  ) {
    this.accepted = new HeldUntilSubscribed<Connection>(1024, (dropped) => {
      // Nobody is taking connections: refuse the oldest rather than keep it unanswered.
      void dropped.close();
    });
    this.connections$ = this.accepted.observable;
    this.events$ = new Observable<ServerEvent>((subscriber) => {
      if (this.closedEvent) {
        subscriber.next({ type: 'closed' });
        subscriber.complete();
        return undefined;
      }
      return this.events.subscribe(subscriber);
    });
    this.server = options.tls ? tls.createServer(options.tls) : net.createServer();
    if (options.maxConnections !== undefined) this.server.maxConnections = options.maxConnections;
    this.server.on('drop', (data?: { remoteAddress?: string; remotePort?: number }) =>
      this.events.next({
        type: 'rejected',
        remoteAddress: `${data?.remoteAddress ?? 'unknown'}:${data?.remotePort ?? 0}`,
        reason: 'maxConnections',
      }),
    );
    this.server.on('connection', (socket: net.Socket) => this.track(socket));
    if (options.tls) {
      this.server.on('secureConnection', (socket: tls.TLSSocket) => this.accept(socket));
      this.server.on('tlsClientError', (failure: Error, socket: tls.TLSSocket) => {
        const error = explainTlsClientError(failure, socket);
        this.events.next(
          socket.remoteAddress === undefined
            ? { type: 'tlsError', error }
            : { type: 'tlsError', remoteAddress: peerAddress(socket), error },
        );
      });
    } else {
      this.server.on('connection', (socket: net.Socket) => this.accept(socket));
    }
    this.server.on('error', (error) => this.events.next({ type: 'error', error }));
  }

  get connections(): ReadonlySet<Connection> {
    return this.live;
  }

  address(): net.AddressInfo | undefined {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  listen(port = 0, host?: string): Promise<net.AddressInfo> {
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      return Promise.reject(new RangeError(`listen: port must be an integer from 0 to 65535, got ${String(port)}`));
    }
    if (this.closing) return Promise.reject(new Error('listen: the server is closed'));
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.address() as net.AddressInfo;
        this.events.next({ type: 'listening', address });
        resolve(address);
      });
    });
  }

  serve(handler: RequestHandler, options?: ServeOptions): void {
    resolveServeOptions('server.serve', handler, options);
    if (this.handler !== undefined) throw new Error('server.serve: this server already has a handler');
    this.handler = { handler, options };
    for (const conn of this.live) conn.serve(handler, options);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** Every raw socket, so a shutdown can drop those still in a TLS handshake or onConnect. */
  private track(socket: net.Socket): void {
    this.accepting.add(socket);
    socket.once('close', () => this.accepting.delete(socket));
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const remoteAddress = peerAddress(socket);
    openConnection(socket, this.link).then(
      (conn) => {
        if (this.closing) {
          void conn.close();
          return;
        }
        this.live.add(conn);
        if (this.handler !== undefined) conn.serve(this.handler.handler, this.handler.options);
        void conn.closed.then(() => this.live.delete(conn));
        this.events.next({ type: 'connection', remoteAddress });
        this.accepted.push(conn);
      },
      (error: unknown) => this.events.next({ type: 'connectFailed', remoteAddress, error: asError(error) }),
    );
  }

  private async shutDown(): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    await Promise.all([...this.live].map((conn) => conn.close()));
    // What is left never became a live connection (TLS handshake or onConnect still running).
    for (const socket of this.accepting) socket.destroy();
    await stopped;
    this.accepted.complete();
    this.closedEvent = true;
    this.events.next({ type: 'closed' });
    this.events.complete();
  }
}

/**
 * Creates an ISO 8583 server (plain TCP, or TLS / mutual TLS with `tls`). Every accepted socket
 * becomes a full `Connection` with the given options — `onConnect`, `ping`, `readTimeout`,
 * `sendTimeout` and the rest apply to each — and appears on `connections$`.
 *
 * @throws TypeError | RangeError for invalid options.
 * @example
 * ```ts
 * const server = createServer({ spec: spec87ascii, maxConnections: 100 });
 * server.connections$.subscribe((conn) =>
 *   conn.inbound$.subscribe((request) => {
 *     const response = request.copy({ mti: '0110' }); // however the codec builds a response
 *     response.set(39, '00');
 *     void conn.reply(response, { request });
 *   }),
 * );
 * await server.listen(8583, '0.0.0.0');
 * ```
 */
export function createServer(options: ServerOptions): Server {
  const link = resolveLinkOptions('createServer', options);
  const { maxConnections, tls: tlsOptions } = options;
  if (maxConnections !== undefined && (!Number.isInteger(maxConnections) || maxConnections < 1)) {
    throw new RangeError(
      `createServer: options.maxConnections must be a positive integer, got ${String(maxConnections)}`,
    );
  }
  if (tlsOptions !== undefined && (typeof tlsOptions !== 'object' || tlsOptions === null)) {
    throw new TypeError('createServer: options.tls must be tls.createServer options (key, cert, ...)');
  }
  return new ConnectionServer(link, options);
}
