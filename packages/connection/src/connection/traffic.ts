import type { Message } from '@rx8583/iso8583';
import { Subject, type Observable } from 'rxjs';

/**
 * What became of one message on the link, as `traffic$` reports it.
 * - `request`: out — a `send` handed its request to the write path; its response comes in as
 *   `matched`, or the request is reported again as `timedOut`.
 * - `reply`: out — a `reply()`, a raw `write()` (no `message`) or a keep-alive echo; expects no response.
 * - `timedOut`: out — a request whose response did not come within its timeout (reported when it expired).
 * - `matched`: in — a response that settled its pending `send`.
 * - `unmatched`: in — went to `inbound$`: a request from the peer, or a late or unknown response.
 * - `refused`: in — the `byteHooks.inbound` check refused it (a bad MAC).
 * - `undecodable`: in — the frame did not unpack (no `message`).
 * - `keepAlive`: in — a zero-length frame.
 */
export type TrafficOutcome =
  'request' | 'reply' | 'timedOut' | 'matched' | 'unmatched' | 'refused' | 'undecodable' | 'keepAlive';

/** One message in or out, as `traffic$` reports it. */
export interface TrafficRecord {
  /** `in`: read from the socket; `out`: sent by this side. */
  direction: 'in' | 'out';
  /** When it happened, `Date.now()` milliseconds. */
  time: number;
  /** What became of it. */
  outcome: TrafficOutcome;
  /** The message; absent for a raw `write()`, a keep-alive, and a frame that did not unpack. */
  message?: Message;
  /**
   * The frame's message bytes exactly as on the wire (after `byteHooks.outbound` when sending),
   * without the length prefix and the network header. Shared with the connection: copy before
   * changing them.
   */
  bytes: Uint8Array;
  /** The frame's network header, for framings that carry one. */
  header?: Record<string, unknown>;
}

/**
 * The traffic tap of one link: a hot stream that only costs a property read per message while
 * nobody subscribes (records are built only when `active`). Observing it takes nothing from
 * anyone: `inbound$` still gets (and holds) every unmatched message.
 */
export class TrafficTap {
  private readonly records = new Subject<TrafficRecord>();
  readonly traffic$: Observable<TrafficRecord> = this.records.asObservable();

  /** Someone is listening: build and emit records. */
  get active(): boolean {
    return this.records.observed;
  }

  record(
    direction: TrafficRecord['direction'],
    outcome: TrafficOutcome,
    bytes: Uint8Array,
    message: Message | undefined,
    header: Record<string, unknown> | undefined,
  ): void {
    const record: TrafficRecord = { direction, time: Date.now(), outcome, bytes };
    if (message !== undefined) record.message = message;
    if (header !== undefined) record.header = header;
    this.records.next(record);
  }

  complete(): void {
    this.records.complete();
  }
}
