import type * as net from 'node:net';
import type { Message } from '@rx8583/iso8583';
import type { Observable } from 'rxjs';
import { asError, ConnectionClosedError, ReadTimeoutError, RejectedMessageError } from '../errors';
import type { Clock } from './clock';
import { Deadline, linkDeadlines } from './deadline-queue';
import { ConnectionSignals, type ConnectionEvent, type ConnectionStatus } from './events';
import { FlowControl } from './flow-control';
import { closeGracefully, type ClosingLink, type SignOffCapable } from './graceful-close';
import { InboundPipeline, type FramingConfig, type MessageConfig } from './inbound-pipeline';
import { InboundRouting, type RoutedLink } from './inbound-routing';
import { LinkEnd } from './link-end';
import { NetworkHeaders } from './network-headers';
import { resolveCloseOptions, type ResolvedLinkOptions } from './options';
import { OutboundPath } from './outbound-path';
import { resolveServeOptions, type RequestHandler, type ServeOptions } from './request-handler';
import type { RequestMux } from './request-mux';
import { explainSocketError } from './tls-errors';
import { TrafficTap, type TrafficListener, type TrafficRecord } from './traffic';
import type { CloseInfo, CloseOptions, CloseReason, ConnectionState, ReplyOptions, SendOptions } from './types';

/** `host:port` of a socket's peer; `unknown:0` once a reset socket no longer knows it. */
export function peerAddress(socket: net.Socket): string {
  return `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
}

/**
 * A `Connection` over an open socket — dialed by `connect` or accepted by a server. Owns the
 * socket from construction on: reads it through the inbound pipeline, writes it through the
 * outbound path, hands what matched nothing to its routing (`serve`, `inbound$`), and ends it
 * exactly once (see `LinkEnd`). What it does itself is the link's life: the read timeout and idle
 * pings, the close, the end.
 */
export class SocketConnection implements SignOffCapable, RoutedLink {
  readonly remoteAddress: string;
  readonly closed: Promise<CloseInfo>;

  private readonly end = new LinkEnd();
  /** Sends, replies and writes: made by the first of them (most links a server accepts are idle). */
  private outbound: OutboundPath | undefined = undefined;
  private readonly flow: FlowControl;
  private readonly signals: ConnectionSignals;
  private readonly traffic: TrafficTap;
  /** `get`/`set` metadata, created by the first `set`. */
  private metadata: Map<string, unknown> | undefined = undefined;
  private readonly headers: NetworkHeaders;
  private readonly reader: InboundPipeline;
  /** Where what matched nothing goes: made by the first message, `inbound$` or `serve`. */
  private routing: InboundRouting | undefined = undefined;
  /** No inbound bytes for `readTimeout` (undefined when it is `Infinity`, or closing); restarted by every chunk. */
  private silence: Deadline | undefined = undefined;
  /** No outbound bytes for `idleTime` (undefined without `ping`, or closing); restarted by every write. */
  private idle: Deadline | undefined = undefined;
  private closing: Promise<void> | undefined;
  /** A graceful close has begun (set before its first step, so `closing` listeners see it). */
  private closeRequested = false;
  private signingOff = false;
  private socketEnding = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: ResolvedLinkOptions,
    private readonly clock?: Clock,
  ) {
    this.remoteAddress = peerAddress(socket);
    this.traffic = new TrafficTap(clock);
    this.closed = this.end.closed;
    socket.setNoDelay(true);
    this.flow = new FlowControl(socket, options, this.end);
    this.headers = new NetworkHeaders(options.framing);
    this.signals = new ConnectionSignals(this.remoteAddress, this.end);
    const { readTimeout, idleTime, ping } = options;
    if (readTimeout !== Infinity) this.silence = new Deadline(linkDeadlines, readTimeout, () => this.onSilence());
    if (ping !== undefined && idleTime !== Infinity) {
      this.idle = new Deadline(linkDeadlines, idleTime, () => this.ping(ping));
    }
    this.reader = this.openReadPath();
    this.listen();
  }

  get inbound$(): Observable<Message> {
    return this.routed().inbound$;
  }

  get events$(): Observable<ConnectionEvent> {
    return this.signals.events$;
  }

  get status$(): Observable<ConnectionStatus> {
    return this.signals.status$;
  }

  get traffic$(): Observable<TrafficRecord> {
    return this.traffic.traffic$;
  }

  /** `open`, then `closing` during a graceful `close()`, then `closed` once the link has ended. */
  get state(): ConnectionState {
    if (this.end.ended) return 'closed';
    return this.closeRequested ? 'closing' : 'open';
  }

  get inFlight(): number {
    return this.outbound?.requests?.size ?? 0;
  }

  send(message: Message, options?: SendOptions): Promise<Message> {
    const refusal = this.refusal(false);
    return refusal ? Promise.reject(refusal) : this.outboundPath().send(message, options);
  }

  send$(message: Message, options?: SendOptions): Observable<Message> {
    return this.outboundPath().send$(message, options, false);
  }

  /** @internal `send` for `onClose`, allowed while the connection is closing. */
  sendWhileClosing(message: Message, options?: SendOptions): Promise<Message> {
    const refusal = this.refusal(true);
    return refusal ? Promise.reject(refusal) : this.outboundPath().send(message, options);
  }

  /** @internal `send$` for `onClose`. */
  sendWhileClosing$(message: Message, options?: SendOptions): Observable<Message> {
    return this.outboundPath().send$(message, options, true);
  }

  reply(message: Message, options?: ReplyOptions): Promise<void> {
    try {
      return this.outboundPath().reply(message, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  write(body: Uint8Array, options?: Omit<ReplyOptions, 'request'>): Promise<void> {
    if (!(body instanceof Uint8Array)) return Promise.reject(new TypeError('write: body must be a Uint8Array'));
    try {
      return this.outboundPath().writeBody(body, options?.header);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  get status(): ConnectionStatus {
    return this.signals.status;
  }

  set status(value: ConnectionStatus) {
    this.signals.status = value;
  }

  get<T = unknown>(key: string): T | undefined {
    return this.metadata?.get(key) as T | undefined;
  }

  set(key: string, value: unknown): void {
    (this.metadata ??= new Map()).set(key, value);
  }

  listenTraffic(listener: TrafficListener): () => void {
    return this.traffic.listen(listener);
  }

  reject(request: Message | string, reason: string | Error): boolean {
    const key = typeof request === 'string' ? request : this.routed().keyToReject(request);
    if (key === undefined || key === '') return false;
    const text = typeof reason === 'string' ? reason : reason.message;
    const cause = typeof reason === 'string' ? undefined : reason;
    return this.outbound?.requests?.reject(key, new RejectedMessageError(key, text, { cause })) ?? false;
  }

  serve(handler: RequestHandler, options?: ServeOptions): void {
    this.routed().serve(handler, resolveServeOptions('serve', handler, options), this.end.ended, this.clock);
  }

  headerOf(message: Message): Record<string, unknown> | undefined {
    return this.headers.of(message);
  }

  close(options?: CloseOptions): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    let drainTimeout: number | undefined;
    try {
      drainTimeout = resolveCloseOptions('close', options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.closing = closeGracefully(this.closingSteps(), drainTimeout);
    return this.closing;
  }

  /** @internal The error the link failed with, once it has (synchronously available). */
  get failure(): Error | undefined {
    return this.end.info?.error;
  }

  /** Tears the connection down at once (failed `onConnect`, aborted connect, server shutdown). */
  destroy(error?: Error): void {
    this.terminate(error ? 'error' : 'local', error, true);
  }

  /** A short summary — address, state, requests in flight — never messages or buffers. */
  toJSON(): { remoteAddress: string; state: ConnectionState; status: ConnectionStatus; inFlight: number } {
    return { remoteAddress: this.remoteAddress, state: this.state, status: this.status, inFlight: this.inFlight };
  }

  toString(): string {
    const { remoteAddress, state, status, inFlight } = this.toJSON();
    return `Connection ${remoteAddress} ${state} (status ${status}, ${inFlight} in flight)`;
  }

  /** `util.inspect` and `console.log` show the summary, never queued frames (they hold card data). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** The write side, made by the first send or write. */
  private outboundPath(): OutboundPath {
    return (this.outbound ??= new OutboundPath(
      this.socket,
      this.options,
      this.flow,
      this.end,
      this.traffic,
      this.headers,
      {
        refusal: (duringSignOff) => this.refusal(duringSignOff),
        written: () => this.idle?.restart(),
        stalled: (error) => this.terminate('error', error, true),
        timeoutHint: (request, timeout) => this.routing?.timeoutHint(request, timeout) ?? '',
      },
      this.clock,
    ));
  }

  private refusal(duringSignOff: boolean): Error | undefined {
    const state = this.state;
    if (state === 'open') return undefined;
    if (state === 'closing' && duringSignOff && this.signingOff) return undefined;
    return new ConnectionClosedError(state === 'closing' ? 'connection is closing' : 'connection is closed');
  }

  /** The read side's outputs' destination (see `routing`). */
  private routed(): InboundRouting {
    return (this.routing ??= new InboundRouting(this, this.options, this.headers, this.end.isGone));
  }

  /** @internal RoutedLink */
  get pendingRequests(): RequestMux | undefined {
    return this.outbound?.requests;
  }

  /** @internal RoutedLink: reports on `events$`. */
  emit(event: ConnectionEvent): void {
    this.signals.emit(event);
  }

  /** @internal RoutedLink */
  echoKeepAlive(): boolean {
    const echo = this.options.echoKeepAlive && !this.end.ended;
    if (echo) this.outboundPath().echoKeepAlive();
    return echo;
  }

  /** @internal RoutedLink */
  holdForHandlers(held: boolean): void {
    this.flow.hold('handlers', held);
  }

  /** The read side: frames to messages to matching; what is left goes to `serve` or `inbound$`. */
  private openReadPath(): InboundPipeline {
    const { framing, frameTimeout } = this.options;
    const config: FramingConfig = {
      framing,
      frameTimeout,
      traffic: this.traffic,
      reading: {
        pause: () => this.flow.hold('backlog', true),
        resume: () => this.flow.hold('backlog', false),
      },
      frameClock: new Deadline(linkDeadlines, frameTimeout, () => this.reader.frameOverdue()),
      failed: (error) => this.terminate('error', asError(error), true),
    };
    return new InboundPipeline(config, () => this.messageStages());
  }

  /** What the read side needs past framing (asked for at the first frame). */
  private messageStages(): MessageConfig {
    const { spec, requestKey, inboundBytes: check } = this.options;
    const routing = this.routed();
    return {
      spec,
      requestKey,
      pending: { settle: (key, response) => this.outbound?.requests?.settle(key, response) },
      check,
      traffic: this.traffic,
      sides: routing,
      unmatched: (message) => routing.route(message),
    };
  }

  private listen(): void {
    const socket = this.socket;
    socket.on('data', (chunk: Uint8Array) => {
      this.silence?.restart();
      this.reader.push(chunk);
    });
    socket.on('error', (error) =>
      this.terminate(this.closeRequested ? 'local' : 'error', explainSocketError(this.remoteAddress, error), true),
    );
    socket.on('end', () => this.terminate(this.closeRequested ? 'local' : 'peer', undefined, false));
    socket.on('close', () => this.onSocketClosed());
    this.silence?.restart();
    this.idle?.restart();
  }

  /** Stops the read timeout and the idle pings (a closing link neither pings nor times out reading). */
  private stopWatching(): void {
    this.silence?.cancel();
    this.idle?.cancel();
    this.silence = undefined;
    this.idle = undefined;
  }

  /** Nothing arrived for `readTimeout`: say so, then close the link when `closeOnReadTimeout`. */
  private onSilence(): void {
    const { readTimeout, closeOnReadTimeout } = this.options;
    this.emit({ type: 'readTimeout', timeout: readTimeout });
    // Our own pause (replies backed up) is not the peer's silence.
    if (closeOnReadTimeout && !this.flow.readingPaused)
      this.terminate('error', new ReadTimeoutError(readTimeout), true);
    // Again every readTimeout while the peer stays silent.
    else this.silence?.restart();
  }

  private ping(ping: NonNullable<ResolvedLinkOptions['ping']>): void {
    // Again every idleTime while nothing is written (a ping that writes restarts it itself).
    this.idle?.restart();
    this.emit({ type: 'ping' });
    try {
      const result = ping(this);
      if (result instanceof Promise)
        result.catch((error: unknown) => this.emit({ type: 'error', error: asError(error) }));
    } catch (error) {
      this.emit({ type: 'error', error: asError(error) });
    }
  }

  /** The steps of a graceful close, in the order `closeGracefully` takes them. */
  private closingSteps(): ClosingLink {
    return {
      end: this.end,
      connection: this,
      onClose: this.options.onClose,
      signOffTimeout: this.options.sendTimeout,
      begin: () => {
        this.closeRequested = true;
        this.stopWatching();
        this.emit({ type: 'closing' });
      },
      signingOff: (on) => (this.signingOff = on),
      whenIdle: () => Promise.all([this.outbound?.requests?.whenIdle(), this.routing?.whenServed()]),
      giveUp: (errorFor) => {
        this.routing?.stopServing();
        this.outbound?.requests?.rejectAll(errorFor);
      },
      report: (error) => this.emit({ type: 'error', error }),
      endSocket: () => {
        this.outbound?.flushNow();
        this.endSocket();
      },
    };
  }

  /**
   * Ends the socket gracefully — queued data is still sent, then FIN — and destroys it if it is not
   * closed within `closeTimeout` (a TLS peer that never answers the close, a peer that stopped
   * reading). Safe to call more than once.
   */
  private endSocket(): void {
    const socket = this.socket;
    if (socket.destroyed || this.socketEnding) return;
    this.socketEnding = true;
    const force = setTimeout(() => socket.destroy(), this.options.closeTimeout);
    socket.once('close', () => clearTimeout(force));
    socket.end();
  }

  /** The link is over: settle everything pending, stop reading and writing, release the socket. */
  private terminate(reason: CloseReason, error: Error | undefined, destroy: boolean): void {
    if (!this.end.end(reason, error)) return;
    this.stopWatching();
    this.reader.stop();
    this.routing?.stopServing();
    this.flow.stop();
    this.outbound?.stop();
    if (destroy) this.socket.destroy();
    else this.endSocket();
  }

  private onSocketClosed(): void {
    this.terminate(this.closeRequested ? 'local' : 'peer', undefined, false);
    this.end.gone();
    this.signals.finish();
    this.routing?.complete();
    this.traffic.complete();
  }
}
