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
 * socket as a single write (one syscall, one TCP segment when they fit), flushed on `setImmediate`
 * so everything the current I/O callbacks produce is batched. When the socket reports a full
 * buffer (`write()` returned false) nothing more is written until `drain`.
 */
export class WriteQueue {
  private frames: Uint8Array[] = [];
  private tickets: (WriteTicket | undefined)[] = [];
  private bytes = 0;
  private flushScheduled: NodeJS.Immediate | undefined = undefined;
  private waitingForDrain = false;
  private closed = false;

  constructor(
    private readonly sink: ByteSink,
    /** Called after each socket write (outbound activity, for idle pings). */
    private readonly onWrite: () => void,
  ) {}

  /** Bytes queued and not yet handed to the socket. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** True while the socket buffer is full and writes wait for `drain`. */
  get blocked(): boolean {
    return this.waitingForDrain;
  }

  /** Queues a frame; `ticket.written()` is called when it reaches the socket. */
  push(frame: Uint8Array, ticket?: WriteTicket): void {
    if (this.closed) return;
    this.frames.push(frame);
    this.tickets.push(ticket);
    this.bytes += frame.length;
    if (this.flushScheduled === undefined && !this.waitingForDrain) {
      this.flushScheduled = setImmediate(this.flush);
    }
  }

  /**
   * Writes whatever is queued right now, even when the socket asked to wait for `drain` (Node
   * buffers it): used just before ending the socket, so nothing queued is lost.
   */
  flushNow(): void {
    if (this.flushScheduled !== undefined) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    this.writeQueued();
  }

  /** Stops the queue: drops queued frames and returns the tickets that never got written. */
  close(): WriteTicket[] {
    this.closed = true;
    if (this.flushScheduled !== undefined) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    const unwritten = this.tickets.filter((t): t is WriteTicket => t !== undefined && !t.cancelled);
    this.frames = [];
    this.tickets = [];
    this.bytes = 0;
    return unwritten;
  }

  private readonly flush = (): void => {
    this.flushScheduled = undefined;
    if (!this.waitingForDrain) this.writeQueued();
  };

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    if (!this.closed && this.frames.length > 0) this.writeQueued();
  };

  private writeQueued(): void {
    if (this.closed || this.frames.length === 0) return;
    const frames = this.frames;
    const tickets = this.tickets;
    const bytes = this.bytes;
    this.frames = [];
    this.tickets = [];
    this.bytes = 0;
    const chunk = WriteQueue.join(frames, tickets, bytes);
    if (chunk.length > 0) {
      const accepted = this.sink.write(chunk);
      if (!accepted && !this.waitingForDrain) {
        this.waitingForDrain = true;
        this.sink.once('drain', this.onDrain);
      }
      this.onWrite();
    }
    for (const ticket of tickets) if (ticket !== undefined && !ticket.cancelled) ticket.written();
  }

  /** One buffer of all frames, skipping those whose writer gave up. */
  private static join(frames: Uint8Array[], tickets: (WriteTicket | undefined)[], bytes: number): Uint8Array {
    if (frames.length === 1 && !tickets[0]?.cancelled) return frames[0];
    const out = Buffer.allocUnsafe(bytes);
    let offset = 0;
    for (let i = 0; i < frames.length; i++) {
      if (tickets[i]?.cancelled) continue;
      out.set(frames[i], offset);
      offset += frames[i].length;
    }
    return offset === bytes ? out : out.subarray(0, offset);
  }
}
