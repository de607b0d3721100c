/**
 * The byte cursors the codecs share. Packing writes into one growing scratch buffer (a message is
 * packed synchronously, so one buffer serves every call) and copies the result out once; unpacking
 * reads through a cursor that also caches the input as a latin1 string, so text fields become cheap
 * substrings instead of one native call each.
 */

/** A growable output buffer with a write position. */
export class Writer {
  buf: Buffer;
  pos = 0;

  constructor(initialSize: number) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Makes room for `bytes` more bytes at `pos`. */
  ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
  }

  private grow(bytes: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
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
