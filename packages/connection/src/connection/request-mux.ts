import type { Message } from '@rx8583/iso8583';
import { DuplicateRequestError, SendTimeoutError } from '../errors';
import type { Clock } from './clock';
import { DeadlineQueue, type Expirable, type Lane } from './deadline-queue';
import type { LinkEnd } from './link-end';
import { PendingTable } from './pending-table';

/** A request as the write path and the traffic tap see it. */
export interface OutboundRequest {
  readonly key: string;
  readonly message: Message;
  /** The message bytes (after the outbound byte hook). */
  readonly body: Uint8Array;
  /** The whole frame: length prefix, network header, body. */
  readonly frame: Uint8Array;
  readonly header: Record<string, unknown> | undefined;
  /** Clock milliseconds of the `send` call (what the traffic tap measures latency from). */
  readonly sentAt: number;
  /** It waited for a `maxInFlight` slot or for room before being written. */
  readonly queued: boolean;
}

/** What the mux needs from the connection around it. */
export interface MuxHost {
  /** Hands a request's frame to the write path; returns its position there, for `wasWritten`. */
  write(request: OutboundRequest): number;
  /** Whether the frame at `position` has been handed to the socket. */
  wasWritten(position: number): boolean;
  /** Whether the write path has room for another request (`maxQueuedBytes`). */
  hasRoom(): boolean;
  /**
   * A request ended without a response (it has just been failed with `error`): `timedOut` when no
   * response came within its timeout, counted from the send; `failed` when rejected, abandoned or
   * pending when the link ended.
   */
  ended(request: OutboundRequest, outcome: 'timedOut' | 'failed', error: Error): void;
  /** What the link saw during the request's wait that may explain its timeout ('' for nothing). */
  timeoutHint?(request: OutboundRequest, timeout: number): string;
}

/** One request waiting for its response. */
class PendingRequest implements Expirable, OutboundRequest {
  deadline = 0;
  deadlineLane: Lane | undefined = undefined;
  deadlineSlot = 0;
  /** Written to the socket (counts against maxInFlight), as opposed to waiting for a slot. */
  inFlight = false;
  settled = false;
  /** Where the write path put the frame (see `MuxHost.write`). */
  position = 0;
  sentAt = 0;
  queued = false;
  resolve!: (response: Message) => void;
  reject!: (error: Error) => void;

  constructor(
    readonly mux: RequestMux,
    readonly key: string,
    readonly message: Message,
    readonly body: Uint8Array,
    readonly frame: Uint8Array,
    readonly header: Record<string, unknown> | undefined,
    readonly timeout: number,
  ) {}

  expire(): void {
    this.mux.timeOut(this);
  }
}

// One shared Promise executor instead of a closure per request (this is the hot path): the
// executor runs synchronously inside `new Promise`, so the request being registered is known.
let registering: PendingRequest | undefined;
function captureSettlers(resolve: (response: Message) => void, reject: (error: Error) => void): void {
  const request = registering as PendingRequest;
  request.resolve = resolve;
  request.reject = reject;
  registering = undefined;
}

/**
 * The requests of one connection that await a response, by correlation key. It refuses a second
 * request with a key already pending, writes at most `maxInFlight` at a time and only while the
 * write path has room (the rest wait in order), and settles each exactly once: with its response,
 * a timeout (counted from `register`, waiting included), a rejection, or the connection's end.
 */
export class RequestMux {
  private readonly pending = new PendingTable<PendingRequest>();
  private readonly waiting: PendingRequest[] = [];
  private waitingHead = 0;
  private inFlight = 0;
  /** Created by the first request: most links a server accepts never send one. */
  private deadlines: DeadlineQueue | undefined = undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly host: MuxHost,
    /** Requests written and not yet answered, at most. */
    private readonly maxInFlight: number,
    /** Once the link has ended nothing is written any more. */
    private readonly end: LinkEnd,
    private readonly clock?: Clock,
  ) {}

  /** Requests pending (written, or waiting for a slot or for room). */
  get size(): number {
    return this.pending.size;
  }

  /** True when a request with this key is written and waiting for its response. */
  awaits(key: string): boolean {
    return this.pending.get(key)?.inFlight === true;
  }

  /** True when a request with this key is pending. */
  has(key: string): boolean {
    return this.pending.has(key);
  }

  /**
   * Registers a request and writes its frame now, or when a slot and room free up. The promise
   * settles with the response, `SendTimeoutError` (`timeout` ms from now), or whatever `fail` gives.
   *
   * @throws DuplicateRequestError when `key` is already pending.
   */
  register(
    key: string,
    message: Message,
    body: Uint8Array,
    frame: Uint8Array,
    header: Record<string, unknown> | undefined,
    timeout: number,
  ): Promise<Message> {
    if (this.pending.has(key)) throw new DuplicateRequestError(key);
    const request = new PendingRequest(this, key, message, body, frame, header, timeout);
    registering = request;
    const promise = new Promise<Message>(captureSettlers);
    this.pending.add(key, request);
    (this.deadlines ??= new DeadlineQueue(this.clock)).add(request, timeout);
    // The deadline queue has just read the clock: the send's time, without reading it again.
    request.sentAt = request.deadline - timeout;
    const nobodyWaiting = this.waitingHead === this.waiting.length;
    if (nobodyWaiting && this.inFlight < this.maxInFlight && !this.end.ended && this.host.hasRoom()) {
      this.dispatch(request);
    } else {
      request.queued = true;
      this.waiting.push(request);
    }
    return promise;
  }

  /** Delivers a response to the written request pending under `key` and returns it; undefined when there is none. */
  settle(key: string, response: Message): OutboundRequest | undefined {
    const request = this.pending.get(key);
    if (request === undefined || !request.inFlight) return undefined;
    this.remove(request);
    request.resolve(response);
    return request;
  }

  /** Fails the request pending under `key`; false when there is none. */
  reject(key: string, error: Error): boolean {
    const request = this.pending.get(key);
    if (request === undefined) return false;
    this.fail(request, error);
    return true;
  }

  /**
   * Fails every pending request with `errorFor` (default: the link end's error), saying whether it
   * was written — when the link ended, or a close's drain deadline passed.
   */
  rejectAll(errorFor: (written: boolean) => Error = (written) => this.end.error(written)): void {
    // Those still waiting for a slot go first, so that failing a written one never admits them.
    const all = this.pending.values().sort((a, b) => Number(a.inFlight) - Number(b.inFlight));
    for (const request of all) {
      this.fail(request, errorFor(request.inFlight && this.host.wasWritten(request.position)));
    }
    this.deadlines?.clear();
  }

  /** Resolves once nothing is pending (immediately when nothing is). */
  whenIdle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** @internal A request's deadline passed. */
  timeOut(request: PendingRequest): void {
    if (request.settled) return;
    const hint = this.host.timeoutHint?.(request, request.timeout) ?? '';
    this.failWith(request, new SendTimeoutError(request.key, request.timeout, hint), 'timedOut');
  }

  /** @internal Settles `request` with `error`. */
  fail(request: PendingRequest, error: Error): void {
    this.failWith(request, error, 'failed');
  }

  private failWith(request: PendingRequest, error: Error, outcome: 'timedOut' | 'failed'): void {
    if (request.settled) return;
    this.remove(request);
    request.reject(error);
    this.host.ended(request, outcome, error);
  }

  private dispatch(request: PendingRequest): void {
    request.inFlight = true;
    this.inFlight++;
    request.position = this.host.write(request);
  }

  private remove(request: PendingRequest): void {
    request.settled = true;
    this.pending.delete(request.key);
    this.deadlines!.cancel(request);
    if (request.inFlight) {
      this.inFlight--;
      this.admitWaiting();
    }
    if (this.pending.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Writes waiting requests while there is a slot and room (call when room frees up). */
  admitWaiting(): void {
    if (this.end.ended) return;
    while (this.waitingHead < this.waiting.length && this.inFlight < this.maxInFlight) {
      const next = this.waiting[this.waitingHead]!;
      if (next.settled) {
        this.waitingHead++;
        continue;
      }
      if (!this.host.hasRoom()) break;
      this.waitingHead++;
      this.dispatch(next);
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
  }
}
