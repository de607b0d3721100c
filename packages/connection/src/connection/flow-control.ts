import type * as net from 'node:net';
import { WriteTimeoutError } from '../errors';
import type { LinkEnd } from './link-end';
import type { WriteListener, WriteQueue } from './write-queue';

/**
 * Why reading may be held: queued replies over the ceiling, `serve`'s handlers all busy, or frames
 * already read still waiting for their turn (the inbound pipeline's per-turn budget).
 */
export type ReadHold = 'replies' | 'handlers' | 'backlog';

/** Each hold's bit in `FlowControl.holds`. */
const HOLD_BITS: Record<ReadHold, number> = { replies: 1, handlers: 2, backlog: 4 };

/** What flow control tells the connection. */
export interface FlowEvents {
  /** A flush handed bytes to the socket (outbound activity, for idle pings). */
  written(): void;
  /** Room freed up on the write path: requests waiting for it may go. */
  room(): void;
  /** The socket accepted nothing for `writeTimeout`: the link must end with this error. */
  stalled(error: WriteTimeoutError): void;
}

/**
 * A link's flow control, between its write queue and its socket. Outbound bytes — the queue and
 * what the socket holds — have a ceiling, `maxQueuedBytes`:
 * - requests get room only below it (`hasRoom`); above it they wait, and reading goes on;
 * - replies are always queued, but once they reach it reading is held until they drain below half:
 *   the peer sends requests faster than it reads their answers, and what is not read stays in the
 *   kernel, where TCP slows the peer down. Only replies hold reading — reading responses only frees
 *   room — so two peers sending to each other at full speed never both stop;
 * - a socket that accepts nothing for `writeTimeout` ends the link (`stalled`).
 */
export class FlowControl implements WriteListener {
  /** The reasons reading is held, one bit each (`HOLD_BITS`). */
  private holds = 0;
  private paused = false;
  private stallTimer: NodeJS.Timeout | undefined = undefined;
  // Both come with the link's first write: most links a server accepts never write.
  private queue: WriteQueue | undefined = undefined;
  private events: FlowEvents | undefined = undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly limits: { readonly maxQueuedBytes: number; readonly writeTimeout: number },
    private readonly end: LinkEnd,
  ) {}

  /** The write queue this listens to (it is built with this object as its listener), and whom to tell. */
  watch(queue: WriteQueue, events: FlowEvents): void {
    this.queue = queue;
    this.events = events;
  }

  /** Reading is held by us (for any reason): silence on the socket then is not the peer's. */
  get readingPaused(): boolean {
    return this.paused;
  }

  /** Whether a request may be written now. */
  hasRoom(): boolean {
    return (this.queue?.outboundBytes ?? 0) < this.limits.maxQueuedBytes;
  }

  /** A reply or raw write was queued: hold reading once replies reach the ceiling. */
  replyQueued(): void {
    if ((this.holds & HOLD_BITS.replies) === 0 && this.queue!.replyBytes >= this.limits.maxQueuedBytes) {
      this.hold('replies', true);
    }
  }

  /** Holds or releases reading for one reason; the socket reads while no reason holds it. */
  hold(reason: ReadHold, held: boolean): void {
    this.holds = held ? this.holds | HOLD_BITS[reason] : this.holds & ~HOLD_BITS[reason];
    const pause = this.holds !== 0 && !this.end.ended;
    if (pause === this.paused) return;
    this.paused = pause;
    if (pause) this.socket.pause();
    else this.socket.resume();
  }

  /** The link ended: no stall timer outlives it. */
  stop(): void {
    if (this.stallTimer === undefined) return;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  written(): void {
    this.events!.written();
    this.roomFreed();
  }

  blocked(): void {
    if (this.stallTimer !== undefined) return;
    const timeout = this.limits.writeTimeout;
    this.stallTimer = setTimeout(() => this.events!.stalled(new WriteTimeoutError(timeout)), timeout);
  }

  drained(): void {
    this.stop();
    this.roomFreed();
  }

  private roomFreed(): void {
    if ((this.holds & HOLD_BITS.replies) !== 0 && this.queue!.replyBytes < this.limits.maxQueuedBytes / 2) {
      this.hold('replies', false);
    }
    this.events!.room();
  }
}
