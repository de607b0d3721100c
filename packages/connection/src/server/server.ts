import * as net from 'node:net';
import * as tls from 'node:tls';
import { inspect } from 'node:util';
import { Observable, Subject } from 'rxjs';
import { HeldUntilSubscribed } from '../connection/held-until-subscribed';
import { openConnection } from '../connection/sign-on';
import {
  LINK_OPTION_KEYS,
  resolveCloseOptions,
  resolveLinkOptions,
  type ResolvedLinkOptions,
} from '../connection/options';
import { positiveMilliseconds } from '../milliseconds';
import { describeValue, type KnownKeys } from '../option-checks';
import { startsLikeTlsHello } from '../framing/tls-mismatch';
import { asError, TlsMismatchError } from '../errors';
import { peerAddress, type SocketConnection } from '../connection/connection';
import type { CloseOptions, Connection } from '../connection/types';
import { resolveServeOptions, type RequestHandler, type ServeOptions } from '../connection/request-handler';
import { Admission, allowList, type AdmissionLimits } from './admission';
import type { Server, ServerEvent, ServerOptions, ServerSummary } from './server-types';
import { explainTlsClientError } from '../connection/tls-errors';
import { TlsHandshakes } from './tls-handshakes';

/** Defaults of the server's own options (the link options' are `DEFAULT_LINK_OPTIONS`). */
export const DEFAULT_SERVER_OPTIONS = {
  maxConnections: 1024,
  handshakeTimeout: 10_000,
} as const;

/** What the server needs beyond the link options: validated, defaults filled in. */
interface ResolvedServerOptions extends AdmissionLimits {
  tls: tls.TlsOptions | undefined;
  handshakeTimeout: number;
}

/** The `Server` behind `createServer`. */
class ConnectionServer implements Server {
  readonly connections$: Observable<Connection>;
  readonly events$: Observable<ServerEvent>;
  private readonly live = new Set<SocketConnection>();
  /** Accepted sockets not yet turned into connections (TLS handshake, onConnect). */
  private readonly accepting = new Set<net.Socket>();
  private readonly accepted: HeldUntilSubscribed<Connection>;
  private readonly events = new Subject<ServerEvent>();
  /** Accepts every socket, TLS or not: admission and the handshake timer come before TLS. */
  private readonly server = net.createServer();
  private readonly admission: Admission;
  private readonly handshakes: TlsHandshakes | undefined;
  private closing: Promise<void> | undefined;
  private closedEvent = false;
  private handler: { handler: RequestHandler; options: ServeOptions | undefined } | undefined;

  constructor(
    private readonly link: ResolvedLinkOptions,
    private readonly options: ResolvedServerOptions,
  ) {
    this.accepted = new HeldUntilSubscribed<Connection>(1024, {
      // Nobody is taking connections: refuse the oldest rather than keep it unanswered.
      overflowed: (dropped) => void dropped.close(),
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
    this.admission = new Admission(options);
    this.server.on('connection', (socket: net.Socket) => this.onSocket(socket));
    this.server.on('error', (error) => this.events.next({ type: 'error', error }));
    if (options.tls) this.handshakes = this.serveTls(options.tls, options.handshakeTimeout);
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

  close(options?: CloseOptions): Promise<void> {
    if (this.closing === undefined) {
      try {
        resolveCloseOptions('server.close', options);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.closing ??= this.shutDown(options);
    return this.closing;
  }

  toJSON(): ServerSummary {
    const address = this.address();
    return {
      address: address ? `${address.address}:${address.port}` : null,
      tls: this.handshakes !== undefined,
      state: this.closedEvent ? 'closed' : this.closing ? 'closing' : this.server.listening ? 'listening' : 'idle',
      connections: this.live.size,
      accepting: this.accepting.size,
      maxConnections: this.options.maxConnections,
    };
  }

  toString(): string {
    const { address, tls: secure, state, connections } = this.toJSON();
    return `Server(${address ?? 'not listening'}${secure ? ', tls' : ''}, ${state}, ${connections} connections)`;
  }

  [inspect.custom](_depth: number, options: object): string {
    return `Server ${inspect(this.toJSON(), options)}`;
  }

  /** The TLS layer: a `tls.Server` that is handed sockets once admitted, never listening itself. */
  private serveTls(options: tls.TlsOptions, handshakeTimeout: number): TlsHandshakes {
    // Node's own timer would only report; ours (from accept, earlier) destroys. Both are kept
    // equal so that Node's never fires first; if it did, the socket is destroyed below all the same.
    const tlsServer = tls.createServer({ ...options, handshakeTimeout });
    const handshakes = new TlsHandshakes(tlsServer, handshakeTimeout, (remoteAddress, error) =>
      this.events.next({ type: 'tlsError', remoteAddress, error }),
    );
    tlsServer.on('secureConnection', (socket: tls.TLSSocket) => {
      const raw = handshakes.secured(socket);
      if (raw !== undefined) this.accepting.delete(raw);
      this.accept(socket);
    });
    tlsServer.on('tlsClientError', (failure: Error, socket: tls.TLSSocket) => {
      const error = explainTlsClientError(failure, socket);
      const remoteAddress = socket.remoteAddress === undefined ? undefined : peerAddress(socket);
      socket.destroy();
      this.events.next(
        remoteAddress === undefined ? { type: 'tlsError', error } : { type: 'tlsError', remoteAddress, error },
      );
    });
    return handshakes;
  }

  private onSocket(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const refusal = this.admission.admit(socket);
    if (refusal !== undefined) {
      socket.destroy();
      this.events.next({ type: 'rejected', remoteAddress: peerAddress(socket), reason: refusal });
      return;
    }
    if (this.handshakes) {
      this.accepting.add(socket);
      socket.once('close', () => this.accepting.delete(socket));
      this.handshakes.begin(socket);
    } else {
      this.refuseTlsClient(socket);
      this.accept(socket);
    }
  }

  /** A TLS client on this plain server would wait for a frame of 5 000-odd bytes: fail it at once, saying why. */
  private refuseTlsClient(socket: net.Socket): void {
    socket.once('data', (first: Buffer) => {
      if (!startsLikeTlsHello(first)) return;
      const remoteAddress = peerAddress(socket);
      const error = new TlsMismatchError(
        remoteAddress,
        'tls',
        'opened a TLS handshake on this plain-TCP server: give the server tls options, or dial it without tls',
      );
      this.events.next({ type: 'tlsError', remoteAddress, error });
      socket.destroy(error);
    });
  }

  private accept(socket: net.Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    // Until it is a connection (`live`); no close listener of its own: the sign-on settles either
    // way when the socket closes meanwhile.
    this.accepting.add(socket);
    const remoteAddress = peerAddress(socket);
    openConnection(socket, this.link).then(
      (conn) => {
        this.accepting.delete(socket);
        this.admitted(conn, remoteAddress);
      },
      (error: unknown) => {
        this.accepting.delete(socket);
        this.events.next({ type: 'connectFailed', remoteAddress, error: asError(error) });
      },
    );
  }

  /** A signed-on connection joins `live` and `connections$`. */
  private admitted(conn: SocketConnection, remoteAddress: string): void {
    if (this.closing) {
      void conn.close();
      return;
    }
    this.live.add(conn);
    if (this.handler !== undefined) conn.serve(this.handler.handler, this.handler.options);
    void conn.closed.then(() => this.live.delete(conn));
    this.events.next({ type: 'connection', remoteAddress });
    this.accepted.push(conn);
  }

  private async shutDown(options: CloseOptions | undefined): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    await Promise.all([...this.live].map((conn) => conn.close(options)));
    // What is left never became a live connection (TLS handshake or onConnect still running).
    for (const socket of this.accepting) socket.destroy();
    await stopped;
    this.accepted.complete();
    this.closedEvent = true;
    this.events.next({ type: 'closed' });
    this.events.complete();
  }
}

/** Every `ServerOptions` key. */
const SERVER_OPTION_KEYS: KnownKeys<ServerOptions> = {
  ...LINK_OPTION_KEYS,
  tls: true,
  handshakeTimeout: true,
  maxConnections: true,
  maxConnectionsPerSource: true,
  allow: true,
};

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
  const link = resolveLinkOptions('createServer', options, 'accepted', SERVER_OPTION_KEYS);
  return new ConnectionServer(link, resolveServerOptions('createServer', options));
}

function resolveServerOptions(where: string, options: ServerOptions): ResolvedServerOptions {
  const { tls: tlsOptions } = options;
  if (tlsOptions !== undefined && (typeof tlsOptions !== 'object' || tlsOptions === null)) {
    throw new TypeError(
      `${where}: options.tls must be tls.createServer options (key, cert, ...), got ${describeValue(tlsOptions)}`,
    );
  }
  if (tlsOptions?.handshakeTimeout !== undefined) {
    throw new TypeError(
      `${where}: set handshakeTimeout at the top level, not in options.tls (Node's own only reports a stalled handshake; rx8583's closes the socket)`,
    );
  }
  const handshakeTimeout = positiveMilliseconds(
    where,
    'options.handshakeTimeout',
    options.handshakeTimeout ?? DEFAULT_SERVER_OPTIONS.handshakeTimeout,
  );
  return {
    tls: tlsOptions,
    handshakeTimeout,
    maxConnections: count(where, 'maxConnections', options.maxConnections, DEFAULT_SERVER_OPTIONS.maxConnections),
    maxConnectionsPerSource: count(where, 'maxConnectionsPerSource', options.maxConnectionsPerSource, Infinity),
    allow: allowList(where, options.allow),
  };
}

function count(where: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new RangeError(`${where}: options.${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value as number;
}
