import type * as net from 'node:net';
import type { Message } from '@rx8583/iso8583';
import { Observable } from 'rxjs';
import { ConnectionClosedError, DuplicateRequestError, type WriteTimeoutError } from '../errors';
import { positiveMilliseconds } from '../milliseconds';
import { keyOf } from '../operators/request-key';
import type { Clock } from './clock';
import type { FlowControl, FlowEvents } from './flow-control';
import type { LinkEnd } from './link-end';
import type { NetworkHeaders } from './network-headers';
import type { ResolvedLinkOptions } from './options';
import { RequestMux, type MuxHost, type OutboundRequest } from './request-mux';
import { assertLinkSpec } from './spec-match';
import type { TrafficTap } from './traffic';
import type { ReplyOptions, SendOptions } from './types';
import { WriteAck, WriteQueue } from './write-queue';

const EMPTY = new Uint8Array(0);

/** What the write side needs from the connection around it. */
export interface OutboundHost {
  /** Why a send is refused now (the link is closing or closed); undefined when it may go (for `send$`). */
  refusal(duringSignOff: boolean): Error | undefined;
  /** A flush handed bytes to the socket: outbound activity (the idle ping starts over). */
  written(): void;
  /** The socket accepted nothing for `writeTimeout`: the link ends with this error. */
  stalled(error: WriteTimeoutError): void;
  /** What the link saw during a timed-out request's wait that may explain it ('' for nothing). */
  timeoutHint(request: OutboundRequest, timeout: number): string;
}

/**
 * The write side of one link: requests through the request mux (key, deadline, `maxInFlight`
 * slot, room under `maxQueuedBytes`), replies and raw writes straight to the write queue, every
 * message packed and passed through `byteHooks.outbound` first, and each one reported to the
 * traffic tap as it enters the write path.
 *
 * The connection makes it at its first send or write, and it makes the request mux at the first
 * send and the write queue at the first write: most links a server accepts are idle, and a peer
 * that only ever sent `FF FF 30` needs none of them.
 */
export class OutboundPath implements MuxHost, FlowEvents {
  private mux: RequestMux | undefined = undefined;
  private writer: WriteQueue | undefined = undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: ResolvedLinkOptions,
    private readonly flow: FlowControl,
    private readonly end: LinkEnd,
    private readonly traffic: TrafficTap,
    private readonly headers: NetworkHeaders,
    private readonly host: OutboundHost,
    private readonly clock: Clock | undefined,
  ) {}

  /** The requests awaiting a response, once the first send has made the table. */
  get requests(): RequestMux | undefined {
    return this.mux;
  }

  /**
   * Sends a request the link accepts (the connection has checked that it is open); `onKey` learns
   * its correlation key (`send$` needs it to abandon the request).
   */
  send(message: Message, options: SendOptions | undefined, onKey?: (key: string) => void): Promise<Message> {
    try {
      const timeout =
        options?.timeout === undefined
          ? this.options.sendTimeout
          : positiveMilliseconds('send', 'options.timeout', options.timeout);
      assertLinkSpec('send', message.spec, this.options.spec);
      const key = keyOf(this.options.requestKey, message);
      const mux = (this.mux ??= new RequestMux(this, this.options.maxInFlight, this.end, this.clock));
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

  /**
   * `send` as a cold Observable: sends on subscription; unsubscribing before the response frees
   * the key, so a response that still comes is treated as unmatched.
   */
  send$(message: Message, options: SendOptions | undefined, duringSignOff: boolean): Observable<Message> {
    return new Observable<Message>((subscriber) => {
      let key: string | undefined;
      let settled = false;
      const refusal = this.host.refusal(duringSignOff);
      const sent = refusal ? Promise.reject(refusal) : this.send(message, options, (k) => (key = k));
      sent.then(
        (response) => {
          settled = true;
          subscriber.next(response);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          subscriber.error(error);
        },
      );
      return () => {
        if (!settled && key !== undefined) this.mux?.reject(key, new ConnectionClosedError('send$ unsubscribed'));
      };
    });
  }

  /** Writes a message that expects no response, with the header given or its request's reply header. */
  reply(message: Message, options: ReplyOptions | undefined): Promise<void> {
    assertLinkSpec('reply', message.spec, this.options.spec);
    const body = this.outboundBytes(message);
    return this.writeFrame(body, this.headers.forReply(options?.header, options?.request), message);
  }

  /** Writes a raw frame body. */
  writeBody(body: Uint8Array, header: Record<string, unknown> | undefined): Promise<void> {
    return this.writeFrame(body, header, undefined);
  }

  /** Answers a keep-alive with a zero-length frame. */
  echoKeepAlive(): void {
    if (this.traffic.active) this.traffic.replied(EMPTY, undefined, undefined);
    this.writeQueue().push(this.options.framing.encode(EMPTY));
  }

  /** Writes whatever is queued now, before the socket ends. */
  flushNow(): void {
    this.writer?.flushNow();
  }

  /** The link ended: every pending request and every queued reply's ack fails with its end. */
  stop(): void {
    this.mux?.rejectAll();
    for (const ack of this.writer?.drop() ?? []) ack.fail(this.end.error(false));
  }

  /** @internal MuxHost: a request goes to the write queue. */
  write(request: OutboundRequest): number {
    if (this.traffic.requestsWatched) this.traffic.sent(request);
    return this.writeQueue().push(request.frame);
  }

  /** @internal MuxHost */
  wasWritten(position: number): boolean {
    return this.writer!.wasWritten(position);
  }

  /** @internal MuxHost */
  hasRoom(): boolean {
    return this.flow.hasRoom();
  }

  /** @internal MuxHost: a request ended without a response. */
  ended(request: OutboundRequest, outcome: 'timedOut' | 'failed', error: Error): void {
    if (this.traffic.active) this.traffic.ended(request, outcome, error);
  }

  /** @internal MuxHost */
  timeoutHint(request: OutboundRequest, timeout: number): string {
    return this.host.timeoutHint(request, timeout);
  }

  /** @internal FlowEvents */
  written(): void {
    this.host.written();
  }

  /** @internal FlowEvents: requests waiting for room may go. */
  room(): void {
    this.mux?.admitWaiting();
  }

  /** @internal FlowEvents */
  stalled(error: WriteTimeoutError): void {
    this.host.stalled(error);
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

  /** The write queue, made by the first write, with flow control watching it. */
  private writeQueue(): WriteQueue {
    if (this.writer !== undefined) return this.writer;
    this.writer = new WriteQueue(this.socket, this.flow, this.end);
    this.flow.watch(this.writer, this);
    return this.writer;
  }
}
