import type { LinkEnd } from './link-end';

/** The part of a socket the write path uses. */
export interface ByteSink {
  write(chunk: Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
  /** Bytes the socket holds that the kernel has not taken yet. */
  readonly writableLength: number;
}

/** What the write path tells the connection around it. */
export interface WriteListener {
  /** A flush handed bytes to the socket (outbound activity, for idle pings). */
  written(): void;
  /** The socket's buffer is full (`write()` returned false): nothing more goes out until `drained`. */
  blocked(): void;
  /** The socket drained after `blocked`. */
  drained(): void;
}

/**
 * The promise side of a reply or raw write: resolves when its frame is handed to the socket,
 * rejects with the link's end (`ConnectionClosedError`) if the link ends first. There is no
 * per-write timeout: a socket that accepts nothing for `writeTimeout` ends the link, which settles
 * every ack still queued.
 */
export class WriteAck {
  readonly promise: Promise<void>;
  private settle!: (error?: Error) => void;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error === undefined ? resolve() : reject(error));
    });
  }

  written(): void {
    this.settle();
  }

  fail(error: Error): void {
    this.settle(error);
  }
}

// The most bytes handed to the socket in one write: large enough to batch thousands of small
// messages into few syscalls, small enough that a full socket buffer stops the flow promptly.
const BATCH_BYTES = 64 * 1024;
// Frames queued in one turn beyond which they are written at once instead of at the end of the
// turn: the peer starts on the first batch while we still produce the next. Measured with 100
// concurrent senders over loopback (client and server in two processes): waiting for the end of
// the turn serialises the two sides, about 75 000 round trips/s; batches of 32 let them overlap,
// about 115 000.
const EARLY_WRITE_FRAMES = 32;
// What a queued frame costs besides its bytes, charged to it when the queue is measured against
// `maxQueuedBytes`: a queued reply holds its ack, a promise with its resolving functions and the
// caller's continuation. Measured with a peer that sends 24-byte requests and never reads: 55 000
// queued replies held 36.9 MiB of heap (~650 bytes each, ~510 of it bookkeeping) under a 1 MiB
// ceiling on their bytes alone; charged this, the ceiling bounds their memory instead.
const FRAME_OVERHEAD = 512;

/**
 * The outbound path of one connection. Frames queued during one turn of the event loop go to the
 * socket together — one write at the end of the turn (`setImmediate`), or one write per 32 frames
 * (or 64 KiB) as soon as that many are queued — instead of one syscall each. When the socket
 * reports a full buffer (`write()` returned false) nothing more is written until `drain`.
 * It counts what it holds (`queuedBytes`, of which `replyBytes` are replies and raw writes), so
 * the connection can bound it: requests wait for room, replies pause reading.
 */
export class WriteQueue {
  private frames: Uint8Array[] = [];
  private acks: (WriteAck | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  private replies = 0;
  private flushScheduled: NodeJS.Immediate | undefined = undefined;
  private waitingForDrain = false;
  /** Frames ever pushed; a frame's position is this count before it was pushed. */
  private pushed = 0;
  /** Frames ever handed to the socket. */
  private taken = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly listener: WriteListener,
    /** Once the link has ended, nothing more is queued or written. */
    private readonly end: LinkEnd,
  ) {}

  /** Bytes queued and not yet handed to the socket, each frame charged `FRAME_OVERHEAD` too. */
  get queuedBytes(): number {
    return this.bytes + (this.frames.length - this.head) * FRAME_OVERHEAD;
  }

  /** The part of `queuedBytes` that replies and raw writes (frames with an ack) take, overhead included. */
  get replyBytes(): number {
    return this.replies;
  }

  /** Bytes on their way out: queued here, plus held by the socket. */
  get outboundBytes(): number {
    return this.queuedBytes + this.sink.writableLength;
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
   * Queues a frame; `ack.written()` is called when it reaches the socket (a frame with an ack
   * counts as a reply). Returns the frame's position, for `wasWritten` (never written once the link
   * has ended).
   */
  push(frame: Uint8Array, ack?: WriteAck): number {
    if (this.end.ended) return Infinity;
    this.frames.push(frame);
    this.acks.push(ack);
    this.bytes += frame.length;
    if (ack !== undefined) this.replies += frame.length + FRAME_OVERHEAD;
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

  /** The link ended: drops the queued frames and returns the acks of those never written. */
  drop(): WriteAck[] {
    if (this.flushScheduled !== undefined) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    const unwritten: WriteAck[] = [];
    for (let i = this.head; i < this.acks.length; i++) {
      const ack = this.acks[i];
      if (ack !== undefined) unwritten.push(ack);
    }
    this.frames = [];
    this.acks = [];
    this.head = 0;
    this.bytes = 0;
    this.replies = 0;
    return unwritten;
  }

  private readonly flush = (): void => {
    this.flushScheduled = undefined;
    this.writeQueued(false);
  };

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.listener.drained();
    this.writeQueued(false);
  };

  /** Hands queued frames to the socket in batches until it is full (unless `force`) or all are out. */
  private writeQueued(force: boolean): void {
    let wrote = false;
    while (!this.end.ended && this.head < this.frames.length && (force || !this.waitingForDrain)) {
      const start = this.head;
      let end = start;
      let size = 0;
      while (end < this.frames.length && (end === start || size + this.frames[end]!.length <= BATCH_BYTES)) {
        const length = this.frames[end]!.length;
        size += length;
        if (this.acks[end] !== undefined) this.replies -= length + FRAME_OVERHEAD;
        end++;
      }
      this.bytes -= size;
      this.head = end;
      this.taken += end - start;
      const accepted = this.sink.write(this.join(start, end, size));
      wrote = true;
      if (!accepted && !this.waitingForDrain) {
        this.waitingForDrain = true;
        this.sink.once('drain', this.onDrain);
        this.listener.blocked();
      }
      for (let i = start; i < end; i++) this.acks[i]?.written();
    }
    if (this.head === this.frames.length && this.head > 0) {
      this.frames = [];
      this.acks = [];
      this.head = 0;
    }
    if (wrote) this.listener.written();
  }

  /** One buffer of frames `start` to `end`. */
  private join(start: number, end: number, size: number): Uint8Array {
    if (end - start === 1) return this.frames[start]!;
    const out = Buffer.allocUnsafe(size);
    let offset = 0;
    for (let i = start; i < end; i++) {
      out.set(this.frames[i]!, offset);
      offset += this.frames[i]!.length;
    }
    return out;
  }
}
