import type * as net from 'node:net';
import type { Message } from '@rx8583/iso8583';
import type { Observable } from 'rxjs';
import {
  asError,
  ConnectionClosedError,
  DuplicateRequestError,
  InboundOverflowError,
  ReadTimeoutError,
  RejectedMessageError,
} from '../errors';
import { positiveMilliseconds } from '../milliseconds';
import { isResponseMti, keyOf, mtiLabel, responseKey } from '../operators/request-key';
import type { Clock } from './clock';
import { ConnectionSignals, type ConnectionEvent, type ConnectionStatus } from './events';
import { FlowControl } from './flow-control';
import { HeldUntilSubscribed } from './held-until-subscribed';
import { Deadline, linkDeadlines } from './deadline-queue';
import { InboundPipeline, type FramingConfig, type MessageConfig } from './inbound-pipeline';
import { LinkEnd } from './link-end';
import { NetworkHeaders } from './network-headers';
import { resolveCloseOptions, type ResolvedLinkOptions } from './options';
import { resolveServeOptions, type RequestHandler, type ServeOptions } from './request-handler';
import { RequestMux, type OutboundRequest } from './request-mux';
import { sendObservable } from './send-observable';
import { Serving } from './serving';
import { assertLinkSpec } from './spec-match';
import { TimeoutClues } from './timeout-clues';
import { signOff, type SignOffCapable } from './sign-off';
import { explainSocketError } from './tls-errors';
import { TrafficTap, type TrafficListener, type TrafficRecord } from './traffic';
import type { CloseInfo, CloseOptions, CloseReason, ConnectionState, ReplyOptions, SendOptions } from './types';
import { WriteAck, WriteQueue } from './write-queue';

const EMPTY = new Uint8Array(0);

/** `host:port` of a socket's peer; `unknown:0` once a reset socket no longer knows it. */
export function peerAddress(socket: net.Socket): string {
  return `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
}

/**
 * A `Connection` over an open socket — dialed by `connect` or accepted by a server. Owns the
 * socket from construction on: reads it through the inbound pipeline, writes it through the
 * coalescing write queue, and ends it exactly once (see `LinkEnd`).
 */
export class SocketConnection implements SignOffCapable {
  readonly remoteAddress: string;
  readonly closed: Promise<CloseInfo>;

  private readonly end = new LinkEnd();
  // The request table and the write queue come with the first send and the first write: most
  // links a server accepts are idle, and a peer that only ever sent `FF FF 30` needs neither.
  private mux: RequestMux | undefined = undefined;
  private writer: WriteQueue | undefined = undefined;
  private readonly flow: FlowControl;
  private readonly inbox: HeldUntilSubscribed<Message>;
  private readonly signals: ConnectionSignals;
  private readonly traffic: TrafficTap;
  /** `get`/`set` metadata, created by the first `set`. */
  private metadata: Map<string, unknown> | undefined = undefined;
  private readonly headers: NetworkHeaders;
  /** Inbound messages `rejectedRequest` recognised: held ones stay for `inbound$` when `serve` starts. */
  private networkRejects: WeakSet<Message> | undefined = undefined;
  private readonly reader: InboundPipeline;
  /** No inbound bytes for `readTimeout` (undefined when it is `Infinity`, or closing); restarted by every chunk. */
  private silence: Deadline | undefined = undefined;
  /** No outbound bytes for `idleTime` (undefined without `ping`, or closing); restarted by every write. */
  private idle: Deadline | undefined = undefined;
  private closing: Promise<void> | undefined;
  private serving: Serving | undefined;
  /** Made by the first clue (an unmatched response, an unpack failure). */
  private clues: TimeoutClues | undefined = undefined;
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
    this.inbox = new HeldUntilSubscribed<Message>(options.inboundBufferSize, (dropped) =>
      this.emit({ type: 'error', error: new InboundOverflowError(options.inboundBufferSize, mtiLabel(dropped.mti)) }),
    );
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
    return this.inbox.observable;
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
    return this.mux?.size ?? 0;
  }

  send(message: Message, options?: SendOptions): Promise<Message> {
    return this.request(message, options, false);
  }

  send$(message: Message, options?: SendOptions): Observable<Message> {
    return this.request$(message, options, false);
  }

  /** @internal `send` for `onClose`, allowed while the connection is closing. */
  sendWhileClosing(message: Message, options?: SendOptions): Promise<Message> {
    return this.request(message, options, true);
  }

  /** @internal `send$` for `onClose`. */
  sendWhileClosing$(message: Message, options?: SendOptions): Observable<Message> {
    return this.request$(message, options, true);
  }

  reply(message: Message, options?: ReplyOptions): Promise<void> {
    try {
      assertLinkSpec('reply', message.spec, this.options.spec);
      const body = this.outboundBytes(message);
      return this.writeFrame(body, this.headers.forReply(options?.header, options?.request), message);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  write(body: Uint8Array, options?: Omit<ReplyOptions, 'request'>): Promise<void> {
    if (!(body instanceof Uint8Array)) return Promise.reject(new TypeError('write: body must be a Uint8Array'));
    try {
      return this.writeFrame(body, options?.header, undefined);
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
    const key = typeof request === 'string' ? request : (this.rejectedKey(request) ?? this.keyOrUndefined(request));
    if (key === undefined || key === '') return false;
    const text = typeof reason === 'string' ? reason : reason.message;
    const cause = typeof reason === 'string' ? undefined : reason;
    return this.mux?.reject(key, new RejectedMessageError(key, text, { cause })) ?? false;
  }

  serve(handler: RequestHandler, options?: ServeOptions): void {
    const resolved = resolveServeOptions('serve', handler, options);
    if (this.serving !== undefined) throw new Error('serve: this connection is already served by a handler');
    const serving = new Serving(
      {
        connection: this,
        reply: (response, request) => this.reply(response, { request }),
        keyOf: (request) => this.keyOrUndefined(request),
        report: (failure) => this.emit({ type: 'handlerError', ...failure }),
        holdReading: (held) => this.flow.hold('handlers', held),
      },
      handler,
      resolved,
      this.clock,
    );
    this.serving = serving;
    if (this.end.ended) serving.stop();
    const isRequest = (message: Message) =>
      !isResponseMti(message.mti) && !(this.networkRejects?.has(message) ?? false);
    for (const request of this.inbox.takeHeld(isRequest)) serving.push(request);
  }

  /** A request's key, or undefined when it has none. */
  private keyOrUndefined(message: Message): string | undefined {
    try {
      return keyOf(this.options.requestKey, message);
    } catch {
      return undefined;
    }
  }

  /** The key of the request `message` rejects, by the `rejectedRequest` option; undefined when it is no reject. */
  private rejectedKey(message: Message): string | undefined {
    const find = this.options.rejectedRequest;
    if (find === undefined) return undefined;
    let original: Message | string | undefined;
    try {
      original = find(message, this.headers.of(message));
    } catch (error) {
      this.emit({ type: 'error', error: asError(error) });
      return undefined;
    }
    return typeof original === 'string' ? original : original && this.keyOrUndefined(original);
  }

  /**
   * An inbound message the `rejectedRequest` option recognises fails the request it rejects;
   * returns whether it was such a reject.
   */
  private onPossibleReject(message: Message): boolean {
    const key = this.rejectedKey(message);
    if (key === undefined) return false;
    if (this.mux?.has(key) === true) {
      const code = this.headers.of(message)?.rejectCode;
      const detail = typeof code === 'string' ? `, reject code ${code}` : '';
      this.mux.reject(key, new RejectedMessageError(key, `rejected by the peer (${mtiLabel(message.mti)}${detail})`));
    }
    return true;
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
    this.closing = this.closeGracefully(drainTimeout);
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

  /** Sends a request; `onKey` learns its correlation key (send$ needs it to abandon the request). */
  private request(
    message: Message,
    options: SendOptions | undefined,
    duringSignOff: boolean,
    onKey?: (key: string) => void,
  ): Promise<Message> {
    const refusal = this.refusal(duringSignOff);
    if (refusal) return Promise.reject(refusal);
    try {
      const timeout =
        options?.timeout === undefined
          ? this.options.sendTimeout
          : positiveMilliseconds('send', 'options.timeout', options.timeout);
      assertLinkSpec('send', message.spec, this.options.spec);
      const key = keyOf(this.options.requestKey, message);
      const mux = this.requests();
      if (mux.has(key)) throw new DuplicateRequestError(key);
      const body = this.outboundBytes(message);
      const header = options?.header;
      const frame = this.options.framing.encode(body, header);
      const promise = mux.register(key, message, body, frame, header, timeout);
      onKey?.(key);
      return promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private request$(message: Message, options: SendOptions | undefined, duringSignOff: boolean): Observable<Message> {
    return sendObservable(
      (onKey) => this.request(message, options, duringSignOff, onKey),
      (key) => this.mux?.reject(key, new ConnectionClosedError('send$ unsubscribed')),
    );
  }

  /** The bytes a message goes out as: packed, then through `byteHooks.outbound` when there is one. */
  private outboundBytes(message: Message): Uint8Array {
    const packed = message.pack();
    const hook = this.options.outboundBytes;
    if (hook === undefined) return packed;
    const bytes = hook(packed, message);
    if (!(bytes instanceof Uint8Array)) throw new TypeError('byteHooks.outbound must return a Uint8Array');
    return bytes;
  }

  private refusal(duringSignOff: boolean): Error | undefined {
    const state = this.state;
    if (state === 'open') return undefined;
    if (state === 'closing' && duringSignOff && this.signingOff) return undefined;
    return new ConnectionClosedError(state === 'closing' ? 'connection is closing' : 'connection is closed');
  }

  private writeFrame(
    body: Uint8Array,
    header: Record<string, unknown> | undefined,
    message: Message | undefined,
  ): Promise<void> {
    if (this.end.ended) return Promise.reject(new ConnectionClosedError('connection is closed'));
    const frame = this.options.framing.encode(body, header);
    const ack = new WriteAck();
    if (this.traffic.active) this.traffic.replied(body, message, header);
    this.writeQueue().push(frame, ack);
    this.flow.replyQueued();
    return ack.promise;
  }

  /** The request table, made by the first send. */
  private requests(): RequestMux {
    if (this.mux !== undefined) return this.mux;
    const host = {
      write: (request: OutboundRequest) => {
        if (this.traffic.requestsWatched) this.traffic.sent(request);
        return this.writeQueue().push(request.frame);
      },
      wasWritten: (position: number) => this.writer!.wasWritten(position),
      hasRoom: () => this.flow.hasRoom(),
      ended: (request: OutboundRequest, outcome: 'timedOut' | 'failed', error: Error) => {
        if (this.traffic.active) this.traffic.ended(request, outcome, error);
      },
      timeoutHint: (request: OutboundRequest, timeout: number) =>
        this.clues?.hintFor(request.message.get(11), timeout) ?? '',
    };
    this.mux = new RequestMux(host, this.options.maxInFlight, this.end, this.clock);
    return this.mux;
  }

  /** The write queue, made by the first write, with flow control watching it. */
  private writeQueue(): WriteQueue {
    if (this.writer !== undefined) return this.writer;
    this.writer = new WriteQueue(this.socket, this.flow, this.end);
    this.flow.watch(this.writer, {
      written: () => this.idle?.restart(),
      room: () => this.mux?.admitWaiting(),
      stalled: (error) => this.terminate('error', error, true),
    });
    return this.writer;
  }

  private emit(event: ConnectionEvent): void {
    this.signals.emit(event);
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
    return {
      spec,
      requestKey,
      pending: { settle: (key, response) => this.mux?.settle(key, response) },
      check,
      traffic: this.traffic,
      sides: {
        header: (message, header) => this.headers.remember(message, header),
        keepAlive: () => this.onKeepAlive(),
        unpackError: (error) => {
          (this.clues ??= new TimeoutClues()).unpackFailure();
          this.emit({ type: 'unpackError', error });
        },
        refused: (message, error) => this.onRefused(message, asError(error)),
      },
      unmatched: (message) => this.onMessage(message),
    };
  }

  /** An inbound message nothing matched: a request for `serve`, else for `inbound$`. */
  private onMessage(message: Message): void {
    // A network's reject answers our request: it is never a request for the serve handler.
    const rejected = this.options.rejectedRequest !== undefined && this.onPossibleReject(message);
    if (rejected) (this.networkRejects ??= new WeakSet()).add(message);
    const response = isResponseMti(message.mti);
    if (response) (this.clues ??= new TimeoutClues()).unmatchedResponse(message);
    if (this.serving !== undefined && !response && !rejected) this.serving.push(message);
    else this.inbox.push(message);
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

  private onKeepAlive(): void {
    const echo = this.options.echoKeepAlive && !this.end.ended;
    if (echo) {
      if (this.traffic.active) this.traffic.replied(EMPTY, undefined, undefined);
      this.writeQueue().push(this.options.framing.encode(EMPTY));
    }
    this.emit({ type: 'keepAlive', echoed: echo });
  }

  /** The inbound check refused `message`: report it, and fail the request it answers (if pending). */
  private onRefused(message: Message, error: Error): void {
    this.emit({ type: 'inboundRefused', mti: mtiLabel(message.mti), error });
    const key = responseKey(this.options.requestKey, message);
    if (key !== undefined && this.mux?.awaits(key) === true) {
      this.mux.reject(
        key,
        new RejectedMessageError(key, `the response was refused: ${error.message}`, { cause: error }),
      );
    }
  }

  private async closeGracefully(drainTimeout: number | undefined): Promise<void> {
    if (this.end.ended) return this.closed.then(() => undefined);
    this.closeRequested = true;
    this.stopWatching();
    this.emit({ type: 'closing' });
    let drainTimer: NodeJS.Timeout | undefined;
    const drainDeadline = new Promise<'drainTimeout'>((resolve) => {
      if (drainTimeout !== undefined) drainTimer = setTimeout(() => resolve('drainTimeout'), drainTimeout);
    });
    const onClose = this.options.onClose;
    if (onClose !== undefined) {
      this.signingOff = true;
      const signedOff = signOff(this, onClose, this.options.sendTimeout).catch((error: unknown) =>
        this.emit({ type: 'error', error: asError(error) }),
      );
      await Promise.race([signedOff, drainDeadline]);
      this.signingOff = false;
    }
    const drained = Promise.all([this.mux?.whenIdle(), this.serving?.whenIdle()]);
    if ((await Promise.race([drained, drainDeadline])) === 'drainTimeout') {
      this.serving?.stop();
      this.mux?.rejectAll(
        (written) =>
          new ConnectionClosedError(`close: no response within the drainTimeout of ${drainTimeout} ms`, { written }),
      );
    }
    clearTimeout(drainTimer);
    if (!this.end.ended) {
      this.writer?.flushNow();
      this.endSocket();
    }
    await this.closed;
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
    this.serving?.stop();
    this.mux?.rejectAll();
    this.flow.stop();
    for (const ack of this.writer?.drop() ?? []) ack.fail(this.end.error(false));
    if (destroy) this.socket.destroy();
    else this.endSocket();
  }

  private onSocketClosed(): void {
    this.terminate(this.closeRequested ? 'local' : 'peer', undefined, false);
    this.end.gone();
    this.signals.finish();
    this.inbox.complete();
    this.traffic.complete();
  }
}
