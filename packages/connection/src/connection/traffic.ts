import type { Message } from '@rx8583/iso8583';
import type { Observable } from 'rxjs';
import { systemClock, type Clock } from './clock';
import { Multicast, type MulticastListener } from './multicast';

/**
 * What became of one message on the link, as `traffic$` reports it.
 * - `request`: out — a `send` handed its request to the write path; it ends as `matched`,
 *   `timedOut` or `failed`.
 * - `reply`: out — a `reply()`, a raw `write()` (no `message`) or a keep-alive echo; expects no response.
 * - `timedOut`: out — a request whose response did not come within its timeout (reported when it expired).
 * - `failed`: out — a request that ended otherwise without a response: rejected (`reject()`, the
 *   `rejectedRequest` option, a refused response), abandoned (`send$` unsubscribed), or pending
 *   when its link ended (`error` says which).
 * - `matched`: in — a response that settled its pending `send`.
 * - `unmatched`: in — went to `inbound$`: a request from the peer, or a late or unknown response.
 * - `refused`: in — the `byteHooks.inbound` check refused it (a bad MAC).
 * - `undecodable`: in — the frame did not unpack (no `message`).
 * - `keepAlive`: in — a zero-length frame.
 */
export type TrafficOutcome =
  'request' | 'reply' | 'timedOut' | 'failed' | 'matched' | 'unmatched' | 'refused' | 'undecodable' | 'keepAlive';

/** One message in or out, as `traffic$` reports it. */
export interface TrafficRecord {
  /** `in`: read from the socket; `out`: sent by this side. */
  direction: 'in' | 'out';
  /**
   * When it happened, in milliseconds since the epoch with sub-millisecond precision
   * (`performance.timeOrigin + performance.now()`: Date.now()'s scale, but monotonic).
   */
  time: number;
  /** What became of it. */
  outcome: TrafficOutcome;
  /**
   * The message; absent for a raw `write()`, a keep-alive, and a frame that did not unpack. On
   * `matched` it is the response, on `timedOut` and `failed` the request.
   */
  message?: Message;
  /**
   * The frame's message bytes exactly as on the wire (after `byteHooks.outbound` when sending),
   * without the length prefix and the network header. Shared with the connection, never copied:
   * copy before changing them. Empty for a keep-alive.
   */
  bytes: Uint8Array;
  /** The frame's network header, for framings that carry one. */
  header?: Record<string, unknown>;
  /** On `matched`, `timedOut` and `failed`: the request that ended (for the last two also `message`). */
  request?: Message;
  /**
   * On `matched`, `timedOut` and `failed`: milliseconds from the `send` call to this end (a
   * `matched` response's round trip, waiting for a `maxInFlight` slot included).
   */
  latency?: number;
  /** On `timedOut` and `failed`: the error the `send` was rejected with. */
  error?: Error;
}

/** A request as the tap needs it: what went out, and when its `send` was called. */
export interface TappedRequest {
  readonly message: Message;
  readonly body: Uint8Array;
  readonly header: Record<string, unknown> | undefined;
  /** Clock milliseconds of the `send` call. */
  readonly sentAt: number;
  /** It waited for a slot or for room, so it was written after `sentAt`. */
  readonly queued: boolean;
}

/**
 * What `conn.listenTraffic` calls: the traffic tap without an Observable in between, for consumers
 * that see every record of busy links (`metrics$` does). `next` is called synchronously with each
 * record as it happens — the same records, in the same order, as `traffic$` subscribers get — and
 * `complete` once the link is gone, after its last record.
 */
export interface TrafficListener extends MulticastListener<TrafficRecord> {
  /**
   * One record. It runs on the link's read and write paths, so keep it short. A throw does not
   * reach the link: as with a throwing `traffic$` subscriber, the error goes to RxJS's
   * `config.onUnhandledError` or, when that is not set, is thrown from a timer (an uncaught
   * exception); the listener keeps getting records.
   */
  next(record: TrafficRecord): void;
  /** The link is gone: no record follows. */
  complete?(): void;
  /**
   * `false`: leave out the `request` records (a request handed to the write path), for a listener
   * that needs only how each request ended — `matched`, `timedOut` and `failed` carry the request.
   * A round trip then builds and hands over one record instead of two. Read when listening starts.
   */
  readonly requests?: boolean;
}

/**
 * The traffic tap of one link: a hot stream that costs a property read per message while nobody
 * listens (records are built only when `active`). Observing it takes nothing from anyone:
 * `inbound$` still gets (and holds) every unmatched message.
 *
 * What a record costs (benchmarks/README.md, Transactions): one small object and one `next` per
 * subscriber or listener, and no clock read of its own on a round trip. A request's time is its
 * `send`'s, which the deadline queue has just read; inbound messages take the time their socket
 * chunk was read, read once for all the frames of that chunk (`chunkArrived`); a request's end
 * carries its latency (a subtraction), so consumers such as `metrics$` keep no table of requests.
 * A clock read costs ~30 ns here: more than all a subscribed `metrics$` adds to a round trip
 * (~26 ns, profiled).
 */
export class TrafficTap {
  // Not a Subject (see Multicast): a record's `next` loops over the subscribers and listeners.
  private readonly records = new Multicast<TrafficRecord>();
  /** Listeners that leave out `request` records (made by the first). */
  private ends: Multicast<TrafficRecord> | undefined = undefined;
  /** Epoch milliseconds of the clock's zero (the clock is `performance.now()` unless a test injects one). */
  private readonly origin = performance.timeOrigin;
  /** Clock time of the socket chunk being read; NaN until a record needs it. */
  private chunkTime = NaN;

  constructor(private readonly clock: Clock = systemClock) {}

  get traffic$(): Observable<TrafficRecord> {
    return this.records.observable;
  }

  /** Someone is listening: build and emit records. */
  get active(): boolean {
    return this.records.observed || this.ends?.observed === true;
  }

  /** Someone is listening to `request` records: build and emit them. */
  get requestsWatched(): boolean {
    return this.records.observed;
  }

  /** Adds `listener` (completed at once if the link is gone); the returned function removes it. */
  listen(listener: TrafficListener): () => void {
    if (listener.requests !== false) return this.records.listen(listener);
    return (this.ends ??= new Multicast<TrafficRecord>()).listen(listener);
  }

  /** A socket chunk has arrived: inbound records from here on share its time (read when first needed). */
  chunkArrived(): void {
    this.chunkTime = NaN;
  }

  /** An inbound message or frame, at the time of the chunk that completed it. */
  received(
    outcome: TrafficOutcome,
    bytes: Uint8Array,
    message: Message | undefined,
    header: Record<string, unknown> | undefined,
  ): void {
    this.emit({ direction: 'in', time: this.origin + this.arrival(), outcome, message, bytes, header });
  }

  /** A response that settled `request`. */
  matched(
    request: TappedRequest,
    response: Message,
    bytes: Uint8Array,
    header: Record<string, unknown> | undefined,
  ): void {
    const now = this.arrival();
    const latency = now - request.sentAt;
    this.emit(ending('in', this.origin + now, 'matched', bytes, response, header, request.message, latency, undefined));
  }

  /** A reply, a raw write or a keep-alive echo handed to the write path. */
  replied(bytes: Uint8Array, message: Message | undefined, header: Record<string, unknown> | undefined): void {
    this.emit({ direction: 'out', time: this.origin + this.clock.now(), outcome: 'reply', message, bytes, header });
  }

  /** A request handed to the write path (for `requestsWatched`: not to listeners that leave them out). */
  sent(request: TappedRequest): void {
    const time = this.origin + (request.queued ? this.clock.now() : request.sentAt);
    const { body, message, header } = request;
    this.records.next({ direction: 'out', time, outcome: 'request', message, bytes: body, header });
  }

  /** A request that ended without a response: `timedOut` or `failed` with `error`. */
  ended(request: TappedRequest, outcome: 'timedOut' | 'failed', error: Error): void {
    const now = this.clock.now();
    const { body, message, header } = request;
    this.emit(ending('out', this.origin + now, outcome, body, message, header, message, now - request.sentAt, error));
  }

  complete(): void {
    this.records.complete();
    // made if need be, so that a listener that comes later is completed at once
    (this.ends ??= new Multicast<TrafficRecord>()).complete();
  }

  private arrival(): number {
    // NaN !== NaN: the first inbound record of a chunk reads the clock.
    if (this.chunkTime !== this.chunkTime) this.chunkTime = this.clock.now();
    return this.chunkTime;
  }

  private emit(record: TrafficRecord): void {
    this.records.next(record);
    this.ends?.next(record);
  }
}

/**
 * The record of a request's end. Records come in two shapes, this one and the plain one without
 * `request`, `latency` and `error`: every field written in the same order, so each shape stays one
 * hidden class, and the plain records (half of a round trip's) stay three fields smaller — the
 * records are most of what a subscribed tap allocates, and the extra young-generation garbage
 * showed as more scavenges per round trip.
 */
function ending(
  direction: TrafficRecord['direction'],
  time: number,
  outcome: TrafficOutcome,
  bytes: Uint8Array,
  message: Message | undefined,
  header: Record<string, unknown> | undefined,
  request: Message,
  latency: number,
  error: Error | undefined,
): TrafficRecord {
  return { direction, time, outcome, message, bytes, header, request, latency, error };
}
