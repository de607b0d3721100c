import type * as net from 'node:net';
import type { Message } from '@rx8583/iso8583';
import { type Observable, Subject, Subscription } from 'rxjs';
import {
  asError,
  ConnectionClosedError,
  DuplicateRequestError,
  InboundOverflowError,
  RejectedMessageError,
} from '../errors';
import { callWithin } from './bounded-call';
import type { Clock } from './clock';
import { DeadlineQueue } from './deadline-queue';
import { HeldUntilSubscribed } from './held-until-subscribed';
import { inboundMessages, type InboundHandlers } from './inbound-pipeline';
import { LinkSignals } from './link-signals';
import { NetworkHeaders } from './network-headers';
import { watchLinkActivity } from './link-timers';
import { checkSendTimeout, type ResolvedLinkOptions } from './options';
import { RequestMux } from './request-mux';
import { isResponseMti, keyOf, mtiLabel } from './request-key';
import { resolveServeOptions, type RequestHandler, type ServeOptions } from './request-handler';
import { Serving } from './serving';
import { signOffView, type SignOffCapable } from './sign-off-view';
import { sendObservable } from './send-observable';
import { closedError, closeSocket, explainSocketError, peerAddress, receivedChunks } from './socket-lifecycle';
import type {
  CloseInfo,
  CloseReason,
  ConnectionEvent,
  ConnectionState,
  ConnectionStatus,
  ReplyOptions,
  SendOptions,
} from './types';
import { WriteAck } from './write-ack';
import { WriteQueue } from './write-queue';

const EMPTY = new Uint8Array(0);

/**
 * A `Connection` over an open socket — dialed by `connect` or accepted by a server. Owns the
 * socket from construction on: reads it through the inbound pipeline, writes it through the
 * coalescing write queue, and ends it exactly once.
 */
export class SocketConnection implements SignOffCapable {
  state: ConnectionState = 'open';
  readonly remoteAddress: string;
  readonly closed: Promise<CloseInfo>;
  readonly inbound$: Observable<Message>;
  readonly events$: Observable<ConnectionEvent>;
  readonly status$: Observable<ConnectionStatus>;

  private readonly mux: RequestMux;
  private readonly writer: WriteQueue;
  private readonly acks: DeadlineQueue;
  private readonly inbox: HeldUntilSubscribed<Message>;
  private readonly signals: LinkSignals;
  private readonly metadata = new Map<string, unknown>();
  private readonly headers: NetworkHeaders;
  private readonly outbound = new Subject<void>();
  private readonly reading = new Subscription();
  private watching = Subscription.EMPTY;
  private closing: Promise<void> | undefined;
  private serving: Serving | undefined;
  private signingOff = false;
  private closeInfo: CloseInfo | undefined;
  private resolveClosed!: (info: CloseInfo) => void;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: ResolvedLinkOptions,
    clock?: Clock,
  ) {
    this.remoteAddress = peerAddress(socket);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.setNoDelay(true);
    this.writer = new WriteQueue(socket, () => this.outbound.next());
    this.mux = new RequestMux((frame) => this.writer.push(frame), options.maxInFlight, clock);
    this.acks = new DeadlineQueue(clock);
    this.headers = new NetworkHeaders(options.framing);
    this.inbox = new HeldUntilSubscribed<Message>(options.inboundBufferSize, (dropped) =>
      this.emit({ type: 'error', error: new InboundOverflowError(options.inboundBufferSize, mtiLabel(dropped.mti)) }),
    );
    this.inbound$ = this.inbox.observable;
    this.signals = new LinkSignals(this.remoteAddress);
    this.events$ = this.signals.events$;
    this.status$ = this.signals.status$;
    this.listen();
  }

  send(message: Message, options?: SendOptions): Promise<Message> {
    return this.request(message, options, false);
  }

  send$(message: Message, options?: SendOptions): Observable<Message> {
    return this.request$(message, options, false);
  }

  /** @internal `send` for `onClose`, allowed while the connection is closing. */
  readonly sendWhileClosing = (message: Message, options?: SendOptions): Promise<Message> =>
    this.request(message, options, true);

  /** @internal `send$` for `onClose`. */
  readonly sendWhileClosing$ = (message: Message, options?: SendOptions): Observable<Message> =>
    this.request$(message, options, true);

  reply(message: Message, options?: ReplyOptions): Promise<void> {
    try {
      return this.writeFrame(message.pack(), this.headers.forReply(options?.header, options?.request));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  write(body: Uint8Array, options?: Omit<ReplyOptions, 'request'>): Promise<void> {
    if (!(body instanceof Uint8Array)) return Promise.reject(new TypeError('write: body must be a Uint8Array'));
    try {
      return this.writeFrame(body, options?.header);
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
    return this.metadata.get(key) as T | undefined;
  }

  set(key: string, value: unknown): void {
    this.metadata.set(key, value);
  }

  reject(message: Message, reason: string | Error): boolean {
    let key: string;
    try {
      key = keyOf(this.options.requestKey, message);
    } catch {
      return false;
    }
    const text = typeof reason === 'string' ? reason : reason.message;
    const cause = typeof reason === 'string' ? undefined : reason;
    return this.mux.reject(key, new RejectedMessageError(key, text, { cause }));
  }

  serve(handler: RequestHandler, options?: ServeOptions): void {
    const resolved = resolveServeOptions('serve', handler, options);
    if (this.serving !== undefined) throw new Error('serve: this connection is already served by a handler');
    const serving = new Serving(
      {
        connection: this,
        reply: (response, request) => this.reply(response, { request }),
        keyOf: (request) => {
          try {
            return keyOf(this.options.requestKey, request);
          } catch {
            return undefined;
          }
        },
        report: (failure) => this.emit({ type: 'handlerError', ...failure }),
        holdReading: (held) => (held ? this.socket.pause() : this.socket.resume()),
      },
      handler,
      resolved,
    );
    this.serving = serving;
    if (this.state === 'closed') serving.stop();
    for (const request of this.inbox.takeHeld((message) => !isResponseMti(message.mti))) serving.push(request);
  }

  headerOf(message: Message): Record<string, unknown> | undefined {
    return this.headers.of(message);
  }

  close(): Promise<void> {
    this.closing ??= this.closeGracefully();
    return this.closing;
  }

  /** @internal The error the link failed with, once it has (synchronously available). */
  get failure(): Error | undefined {
    return this.closeInfo?.error;
  }

  /** Tears the connection down at once (failed `onConnect`, aborted connect, server shutdown). */
  destroy(error?: Error): void {
    this.terminate(error ? 'error' : 'local', error, true);
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
      const timeout = options?.timeout === undefined ? this.options.sendTimeout : checkSendTimeout(options.timeout);
      const key = keyOf(this.options.requestKey, message);
      if (this.mux.has(key)) throw new DuplicateRequestError(key);
      const frame = this.options.framing.encode(message.pack(), options?.header);
      const promise = this.mux.register(key, frame, timeout);
      onKey?.(key);
      return promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private request$(message: Message, options: SendOptions | undefined, duringSignOff: boolean): Observable<Message> {
    return sendObservable(
      (onKey) => this.request(message, options, duringSignOff, onKey),
      (key) => this.mux.reject(key, new ConnectionClosedError('send$ unsubscribed')),
    );
  }

  private refusal(duringSignOff: boolean): Error | undefined {
    if (this.state === 'open') return undefined;
    if (this.state === 'closing' && duringSignOff && this.signingOff) return undefined;
    return new ConnectionClosedError(this.state === 'closing' ? 'connection is closing' : 'connection is closed');
  }

  private writeFrame(body: Uint8Array, header: Record<string, unknown> | undefined): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new ConnectionClosedError('connection is closed'));
    const frame = this.options.framing.encode(body, header);
    const ack = new WriteAck(this.options.sendTimeout, (settled) => this.acks.cancel(settled));
    this.acks.add(ack, ack.timeout);
    this.writer.push(frame, ack);
    return ack.promise;
  }

  private emit(event: ConnectionEvent): void {
    this.signals.emit(event);
  }

  private listen(): void {
    const socket = this.socket;
    const handlers: InboundHandlers = {
      header: (message, header) => this.headers.remember(message, header),
      keepAlive: () => this.onKeepAlive(),
      unpackError: (error) => this.emit({ type: 'unpackError', error }),
    };
    const { framing, spec, requestKey } = this.options;
    this.reading.add(
      inboundMessages(receivedChunks(socket), { framing, spec, requestKey, pending: this.mux }, handlers).subscribe({
        next: (message) => {
          if (this.serving !== undefined && !isResponseMti(message.mti)) this.serving.push(message);
          else this.inbox.push(message);
        },
        error: (error: unknown) => this.terminate('error', asError(error), true),
      }),
    );
    socket.on('error', (error) =>
      this.terminate(this.state === 'closing' ? 'local' : 'error', explainSocketError(this.remoteAddress, error), true),
    );
    socket.on('end', () => this.terminate(this.state === 'closing' ? 'local' : 'peer', undefined, false));
    socket.on('close', () => this.onSocketClosed());
    this.startTimers();
  }

  private startTimers(): void {
    const { idleTime, ping, readTimeout } = this.options;
    this.watching = watchLinkActivity(this.outbound, receivedChunks(this.socket), {
      idleTime,
      onIdle: ping && (() => this.ping(ping)),
      readTimeout,
      onSilence: () => this.emit({ type: 'readTimeout', timeout: readTimeout }),
    });
  }

  private ping(ping: NonNullable<ResolvedLinkOptions['ping']>): void {
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
    const echo = this.options.echoKeepAlive && this.state !== 'closed';
    if (echo) this.writer.push(this.options.framing.encode(EMPTY));
    this.emit({ type: 'keepAlive', echoed: echo });
  }

  private async closeGracefully(): Promise<void> {
    if (this.state !== 'open') return this.closed.then(() => undefined);
    this.state = 'closing';
    this.watching.unsubscribe();
    this.emit({ type: 'closing' });
    const onClose = this.options.onClose;
    if (onClose !== undefined) {
      this.signingOff = true;
      // Bounded so that close() always finishes; the sign-off's sends have their own timeouts.
      await callWithin(() => onClose(signOffView(this)), this.options.sendTimeout, 'onClose').catch((error: unknown) =>
        this.emit({ type: 'error', error: asError(error) }),
      );
      this.signingOff = false;
    }
    await Promise.all([this.mux.whenIdle(), this.serving?.whenIdle()]);
    if (this.closeInfo === undefined) {
      this.writer.flushNow();
      closeSocket(this.socket, this.options.closeTimeout);
    }
    await this.closed;
  }

  /** The link is over: settle everything pending, stop reading and writing, release the socket. */
  private terminate(reason: CloseReason, error: Error | undefined, destroy: boolean): void {
    if (this.closeInfo !== undefined) return;
    this.closeInfo = error === undefined ? { reason } : { reason, error };
    this.state = 'closed';
    this.watching.unsubscribe();
    this.reading.unsubscribe();
    this.serving?.stop();
    this.mux.rejectAll(() => closedError(reason, error));
    for (const ticket of this.writer.close()) (ticket as WriteAck).fail(closedError(reason, error));
    this.acks.clear();
    if (destroy) this.socket.destroy();
    else closeSocket(this.socket, this.options.closeTimeout);
  }

  private onSocketClosed(): void {
    this.terminate(this.state === 'closing' ? 'local' : 'peer', undefined, false);
    const info = this.closeInfo as CloseInfo;
    this.signals.end(info);
    this.inbox.complete();
    this.outbound.complete();
    this.resolveClosed(info);
  }
}
