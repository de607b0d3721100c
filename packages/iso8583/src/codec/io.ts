/**
 * The byte cursors the codecs share. Packing writes straight into a slab (a message is packed
 * synchronously, so one writer serves every call) and returns a view of the bytes it wrote, as
 * Node's `Buffer.allocUnsafe` pool does: no copy. Unpacking reads through a cursor that also caches
 * the input as a latin1 string, so text fields become cheap substrings instead of native calls.
 */

/** Size of a packing slab; a message that does not fit gets a larger slab of its own. */
const SLAB_SIZE = 16 * 1024;
/** A new message starts on a fresh slab when less than this is left. */
const MIN_FREE = 1024;

function newSlab(size: number): Buffer {
  // Not zero-filled: every byte handed out is written first. Unpooled, so it starts at offset 0.
  return Buffer.allocUnsafeSlow(size);
}

/** A growable output buffer with a write position, handing out each message as a view of its slab. */
export class Writer {
  /** The current slab; positions are absolute in it. */
  buf: Buffer = newSlab(SLAB_SIZE);
  /** Where the next byte goes. */
  pos = 0;
  /** Where the message being packed starts. */
  private start = 0;

  /** Starts a message. */
  begin(): void {
    if (this.buf.length - this.pos < MIN_FREE) {
      this.buf = newSlab(SLAB_SIZE);
      this.pos = 0;
    }
    this.start = this.pos;
  }

  /** Makes room for `bytes` more bytes at `pos`. Positions stay valid: bytes keep their offsets. */
  ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
  }

  private grow(bytes: number): void {
    const next = newSlab(Math.max(SLAB_SIZE, 2 * (this.pos + bytes)));
    this.buf.copy(next, this.start, this.start, this.pos);
    this.buf = next;
  }

  /** Ends the message and returns its bytes: a view of the slab that later messages never overwrite. */
  finish(): Buffer {
    const out = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.start, this.pos - this.start);
    if (this.buf.length > SLAB_SIZE) {
      // A slab grown for one big message is not kept around for small ones.
      this.buf = newSlab(SLAB_SIZE);
      this.pos = 0;
    } else {
      this.pos = (this.pos + 7) & ~7;
    }
    return out;
  }

  /** Abandons the message being packed, reusing its space. */
  abort(): void {
    this.pos = this.start;
  }
}

/** A read cursor over the input; `end` narrows while a composite field's content is read. */
export class Reader {
  readonly buf: Buffer;
  pos: number;
  end: number;
  private text: string | undefined;

  constructor(buf: Buffer) {
    this.buf = buf;
    this.pos = 0;
    this.end = buf.length;
    this.text = undefined;
  }

  /** The input bytes `start..end` as a latin1 string (callers have checked the byte range first). */
  latin1(start: number, end: number): string {
    if (this.text === undefined) this.text = this.buf.toString('latin1');
    return this.text.slice(start, end);
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

/** Copies `length` bytes at `start` into a new, independent `Uint8Array`. */
export function copyBytes(buf: Uint8Array, start: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (length <= 32) {
    // Short copies are faster as a loop than through a subarray view.
    for (let i = 0; i < length; i++) out[i] = buf[start + i]!;
  } else {
    out.set(buf.subarray(start, start + length));
  }
  return out;
}
