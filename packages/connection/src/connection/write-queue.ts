import type { LinkEnd } from './link-end';

/** The part of a socket the write path uses. */
export interface ByteSink {
  write(chunk: Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** A write whose caller wants to know when it reached the socket (reply, raw write). */
export interface WriteTicket {
  /** Set when the caller gave up (timeout): the frame is then never written. */
  cancelled: boolean;
  /** Called once the frame was handed to the socket. */
  written(): void;
}

/**
 * The outbound path of one connection. Frames queued during one turn of the event loop go to the
 * socket together — one write at the end of the turn (`setImmediate`), or one write per 32 frames
 * (or 64 KiB) as soon as that many are queued — instead of one syscall each. When the socket
 * reports a full buffer (`write()` returned false) nothing more is written until `drain`.
 */
// The most bytes handed to the socket in one write: large enough to batch thousands of small
// messages into few syscalls, small enough that a full socket buffer stops the flow promptly.
const BATCH_BYTES = 64 * 1024;
// Frames queued in one turn beyond which they are written at once instead of at the end of the
// turn: the peer starts on the first batch while we still produce the next. Measured with 100
// concurrent senders over loopback (client and server in two processes): waiting for the end of
// the turn serialises the two sides, about 75 000 round trips/s; batches of 32 let them overlap,
// about 115 000.
const EARLY_WRITE_FRAMES = 32;

export class WriteQueue {
  private frames: Uint8Array[] = [];
  private tickets: (WriteTicket | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  private flushScheduled: NodeJS.Immediate | undefined = undefined;
  private waitingForDrain = false;
  /** Frames ever pushed; a frame's position is this count before it was pushed. */
  private pushed = 0;
  /** Frames ever taken off the queue (handed to the socket, or skipped as cancelled). */
  private taken = 0;

  constructor(
    private readonly sink: ByteSink,
    /** Called after each flush that wrote something (outbound activity, for idle pings). */
    private readonly onWrite: () => void,
    /** Once the link has ended, nothing more is queued or written. */
    private readonly end: LinkEnd,
  ) {}

  /** Bytes queued and not yet handed to the socket. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** True while the socket buffer is full and writes wait for `drain`. */
  get blocked(): boolean {
    return this.waitingForDrain;
  }

  /** Whether the frame pushed at `position` (what `push` returned) has been handed to the socket. */
  wasWritten(position: number): boolean {
    return position < this.taken;
  }

  /**
   * Queues a frame; `ticket.written()` is called when it reaches the socket. Returns the frame's
   * position, for `wasWritten` (never written once the link has ended).
   */
  push(frame: Uint8Array, ticket?: WriteTicket): number {
    if (this.end.ended) return Infinity;
    this.frames.push(frame);
    this.tickets.push(ticket);
    this.bytes += frame.length;
    const position = this.pushed++;
    if (this.waitingForDrain) return position;
    if (this.frames.length - this.head >= EARLY_WRITE_FRAMES || this.bytes >= BATCH_BYTES) this.writeQueued(false);
    else this.flushScheduled ??= setImmediate(this.flush);
    return position;
  }

  /**
   * Writes whatever is queued right now, even when the socket asked to wait for `drain` (Node
   * buffers it): used just before ending the socket, so nothing queued is lost.
   */
  flushNow(): void {
    if (this.flushScheduled !== undefined) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    this.writeQueued(true);
  }

  /** The link ended: drops the queued frames and returns the tickets that never got written. */
  drop(): WriteTicket[] {
    if (this.flushScheduled !== undefined) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    const unwritten: WriteTicket[] = [];
    for (let i = this.head; i < this.tickets.length; i++) {
      const ticket = this.tickets[i];
      if (ticket !== undefined && !ticket.cancelled) unwritten.push(ticket);
    }
    this.frames = [];
    this.tickets = [];
    this.head = 0;
    this.bytes = 0;
    return unwritten;
  }

  private readonly flush = (): void => {
    this.flushScheduled = undefined;
    this.writeQueued(false);
  };

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.writeQueued(false);
  };

  /** Hands queued frames to the socket in batches until it is full (unless `force`) or all are out. */
  private writeQueued(force: boolean): void {
    let wrote = false;
    while (!this.end.ended && this.head < this.frames.length && (force || !this.waitingForDrain)) {
      const start = this.head;
      let end = start;
      let size = 0;
      while (end < this.frames.length && (end === start || size + this.frames[end].length <= BATCH_BYTES)) {
        if (!this.tickets[end]?.cancelled) size += this.frames[end].length;
        this.bytes -= this.frames[end].length;
        end++;
      }
      this.head = end;
      this.taken += end - start;
      if (size > 0) {
        const accepted = this.sink.write(this.join(start, end, size));
        wrote = true;
        if (!accepted && !this.waitingForDrain) {
          this.waitingForDrain = true;
          this.sink.once('drain', this.onDrain);
        }
      }
      for (let i = start; i < end; i++) {
        const ticket = this.tickets[i];
        if (ticket !== undefined && !ticket.cancelled) ticket.written();
      }
    }
    if (this.head === this.frames.length && this.head > 0) {
      this.frames = [];
      this.tickets = [];
      this.head = 0;
    }
    if (wrote) this.onWrite();
  }

  /** One buffer of frames `start` to `end`, skipping those whose writer gave up. */
  private join(start: number, end: number, size: number): Uint8Array {
    if (end - start === 1) return this.frames[start];
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    for (let i = start; i < end; i++) {
      if (this.tickets[i]?.cancelled) continue;
      out.set(this.frames[i], offset);
      offset += this.frames[i].length;
    }
    return out;
  }
}
