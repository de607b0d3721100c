/**
 * The byte cursors the codecs share. Packing writes straight into a slab (a message is packed
 * synchronously, so one writer serves every call) and returns a view of the bytes it wrote, as
 * Node's `Buffer.allocUnsafe` pool does: no copy. Unpacking reads through a {@link Reader}.
 */

/** Size of a packing slab; a message that does not fit gets a larger slab of its own. */
const SLAB_SIZE = 16 * 1024;
/** A new message starts on a fresh slab when less than this is left. */
const MIN_FREE = 1024;

/**
 * Node's own constructor of `Buffer` instances (`FastBuffer`), reached through `Symbol.species` as
 * `Buffer#subarray` reaches it: a view made with it is a real `Buffer`, three times cheaper to make
 * than through `Buffer.from(arrayBuffer, offset, length)`, which checks its arguments natively.
 */
const BufferView = (
  Buffer as unknown as { [Symbol.species]: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer }
)[Symbol.species];

function newSlab(size: number): Buffer {
  // Not zero-filled: every byte handed out is written first. Unpooled, so it starts at offset 0.
  return Buffer.allocUnsafeSlow(size);
}

/**
 * Bytes that encoded fields live in, as a message holds them: the input of `unpack` (kept as a latin1
 * string only: values and packing copy from it what they need) or a slab that `set` writes fields into (bytes only). The
 * bytes are never changed once written, so messages and their clones share stores freely.
 */
export class WireStore {
  readonly #buf: Buffer | undefined;

  /** @param text the bytes as latin1 (`text.charCodeAt(i) === buf[i]`), when the store has them so. */
  constructor(
    buf: Buffer | undefined,
    readonly text: string | undefined,
  ) {
    this.#buf = buf;
  }

  /** See {@link ByteSource.bytes}: building one value never needs the whole store as bytes. */
  bytes(start: number, end: number): Buffer {
    const buf = this.#buf;
    if (buf !== undefined) return buf;
    // A store read from text (unpack's) never makes all its bytes: building a value from them cost
    // ~0.2 µs (Buffer.from of the whole message) against copying the value's bytes.
    if (rangeCopy.length < end) rangeCopy = Buffer.allocUnsafe(Math.max(end, 2 * rangeCopy.length));
    copyText(this.text!, start, end, rangeCopy, start);
    return rangeCopy;
  }

  /**
   * Copies the store's bytes `start..end` to `target` at `at`: from its text, for a store read by
   * `unpack` (what packing an unpacked message, or a response echoing its request, copies with).
   */
  copyTo(target: Buffer, at: number, start: number, end: number): void {
    const buf = this.#buf;
    if (buf !== undefined) copyRange(buf, start, end, target, at);
    else copyText(this.text!, start, end, target, at);
  }

  /** A reader whose bytes `start..end` are the store's, for a composite read on demand. */
  reader(start: number, end: number): Reader {
    return new Reader(this.bytes(start, end), this.text);
  }
}

/** Writes the latin1 `text[start..end]` to `to` at `at`: a loop up to 32 bytes, a native write of the substring above (40 bytes: 64 ns → 44). */
function copyText(text: string, start: number, end: number, to: Buffer, at: number): void {
  if (end - start <= 32) for (let i = start; i < end; i++) to[at++] = text.charCodeAt(i);
  else to.write(text.slice(start, end), at, 'latin1');
}

// Where a text store copies the bytes of one value (values are built synchronously, one at a time).
let rangeCopy = Buffer.allocUnsafe(1024);

/** A growable output buffer with a write position, handing out each message as a view of its slab. */
export class Writer {
  /** The current slab; positions are absolute in it. */
  buf: Buffer = newSlab(SLAB_SIZE);
  #store: WireStore | undefined;
  /** Where the next byte goes. */
  pos = 0;
  /** Where the message being written starts. */
  start = 0;

  /** Starts a message. */
  begin(): void {
    if (this.buf.length - this.pos < MIN_FREE || this.buf.length > SLAB_SIZE) this.replaceSlab(newSlab(SLAB_SIZE));
    this.start = this.pos;
  }

  /** The slab as a {@link WireStore}, for fields that stay in it (`set` writes them there). */
  get store(): WireStore {
    return (this.#store ??= new WireStore(this.buf, undefined));
  }

  /** Keeps what was written since `begin` where it is: the next message starts after it. */
  commit(): void {
    this.pos = (this.pos + 7) & ~7;
  }

  private replaceSlab(slab: Buffer): void {
    this.buf = slab;
    this.pos = 0;
    this.#store = undefined;
  }

  /** Makes room for `bytes` more bytes at `pos`. Positions stay valid: bytes keep their offsets. */
  ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
  }

  private grow(bytes: number): void {
    const next = newSlab(Math.max(SLAB_SIZE, 2 * (this.pos + bytes)));
    this.buf.copy(next, this.start, this.start, this.pos);
    this.buf = next;
    this.#store = undefined;
  }

  /** Ends the message and returns its bytes: a view of the slab that later messages never overwrite. */
  finish(): Buffer {
    const out = new BufferView(this.buf.buffer, this.buf.byteOffset + this.start, this.pos - this.start);
    // A slab grown for one big message is not kept around for small ones (`begin` replaces it).
    this.commit();
    return out;
  }

  /** Abandons the message being packed, reusing its space. */
  abort(): void {
    this.pos = this.start;
  }
}

/**
 * A read cursor over the input; `end` narrows while a composite field's content is read. Values are
 * checked on the bytes and built from the input read once as a latin1 string (one character a byte),
 * so text fields become cheap substrings instead of native calls.
 */
export class Reader {
  readonly buf: Buffer;
  /** The same input as a latin1 string (`text.charCodeAt(i) === buf[i]`) when there is one: text values are its substrings. */
  readonly text: string | undefined;
  pos: number;
  end: number;
  /** Set by framing a field: its units (padding trimmed) and the offset its data errors point at. */
  units: number;
  dataOffset: number;

  constructor(buf: Buffer, text: string | undefined) {
    this.buf = buf;
    this.text = text;
    this.pos = 0;
    this.end = buf.length;
    this.units = 0;
    this.dataOffset = 0;
  }

  /** See {@link ByteSource.bytes}: the input itself. */
  bytes(): Buffer {
    return this.buf;
  }
}

let scratch = Buffer.allocUnsafe(256);

/**
 * A reusable buffer for building a decoded string byte by byte (EBCDIC, BCD); turned into a string
 * with `toString('latin1', 0, n)`. Valid until the next call.
 */
export function scratchBuffer(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  return scratch;
}

/** The `length` bytes at `start`, as a new, independent `Uint8Array`. */
export function copyBytes(buf: Uint8Array, start: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  copyRange(buf, start, start + length, out, 0);
  return out;
}

/** Copies `length` bytes from `from` at `start` to `w.pos`. */
export function writeBytes(w: Writer, from: Uint8Array, start: number, length: number): void {
  w.ensure(length);
  copyRange(from, start, start + length, w.buf, w.pos);
  w.pos += length;
}

/**
 * Copies `from[start..end]` to `to` at `at`. Runs up to 48 bytes go as a loop: `Buffer#copy` checks
 * its arguments in JavaScript before its native call, and packing a 22-byte 0800 in one copy through
 * it cost the client of an echo ~3 % of its CPU (profiled; `set` of a `subarray` pays an object).
 */
function copyRange(from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): void {
  if (end - start <= 48) for (let i = start; i < end; i++) to[at++] = from[i]!;
  else to.set(from.subarray(start, end), at);
}
