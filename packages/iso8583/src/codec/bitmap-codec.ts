import { UnpackError } from '../errors';
import type { BitmapFieldSpec } from '../spec/types';
import { EBCDIC_HEX_CHAR, EBCDIC_HEX_VALUE, HEX_CHAR, HEX_VALUE } from './hex';
import type { Reader } from './io';

const BITMAP_FIELD = 1;
const FIRST_BIT = 0x80000000;

/**
 * The bitmaps, as four 32-bit words (bit 1 = the top bit of word 0 ... bit 128 = the low bit of
 * word 3). Blocks of 64 bits are written as 8 raw bytes or 16 hex characters (ASCII or EBCDIC); bit 1 announces the
 * secondary bitmap unless the spec fixes the number of blocks.
 */
export class BitmapCodec {
  /** Bytes a 64-bit block takes on the wire. */
  private readonly blockSize: number;
  private readonly hex: boolean;
  /** Hex characters of nibbles, and nibbles of characters (-1: not hex), for the hex encodings. */
  private readonly hexChars: Uint8Array;
  private readonly hexValues: Int8Array;
  /** A fixed number of blocks, or 0 when bit 1 decides. */
  readonly fixedBlocks: number;

  constructor(spec: BitmapFieldSpec) {
    this.hex = spec.encoding !== 'binary';
    const ebcdic = spec.encoding === 'ebcdic-hex';
    this.hexChars = ebcdic ? EBCDIC_HEX_CHAR : HEX_CHAR;
    this.hexValues = ebcdic ? EBCDIC_HEX_VALUE : HEX_VALUE;
    this.blockSize = this.hex ? 16 : 8;
    this.fixedBlocks = spec.blocks ?? 0;
  }

  /** Marks field `n` present in `words`. */
  static set(words: Uint32Array, n: number): void {
    words[(n - 1) >> 5]! |= FIRST_BIT >>> ((n - 1) & 31);
  }

  /** How many bytes the bitmaps take when the highest field present is `highest`. */
  sizeFor(highest: number): number {
    return (this.fixedBlocks || (highest > 64 ? 2 : 1)) * this.blockSize;
  }

  /**
   * Writes the bitmaps announcing the fields marked in `words` into the `size` bytes reserved at
   * `at` (see {@link sizeFor}); bit 1 is set here when a secondary bitmap follows.
   */
  writeAt(buf: Buffer, at: number, size: number, words: Uint32Array): void {
    const blocks = size / this.blockSize;
    if (this.fixedBlocks === 0 && blocks === 2) words[0]! |= FIRST_BIT;
    else words[0]! &= ~FIRST_BIT;
    let pos = at;
    const chars = this.hexChars;
    for (let index = 0; index < blocks * 2; index++) {
      const word = words[index]!;
      if (!this.hex) {
        buf.writeUInt32BE(word, pos);
        pos += 4;
      } else {
        for (let shift = 28; shift >= 0; shift -= 4) buf[pos++] = chars[(word >>> shift) & 0x0f]!;
      }
    }
  }

  /** Reads the bitmaps at `r.pos` into `words` (zeroed by the caller); bit 1 is cleared. */
  read(r: Reader, words: Uint32Array): void {
    const fixed = this.fixedBlocks;
    const at = r.pos;
    this.readBlock(r, words, 0);
    const continued = (words[0]! & FIRST_BIT) !== 0;
    if (fixed === 1 && continued) {
      throw new UnpackError(BITMAP_FIELD, at, 'bit 1 announces a secondary bitmap, but the spec fixes one block');
    }
    if (fixed === 2 || (fixed === 0 && continued)) this.readBlock(r, words, 1);
    words[0]! &= ~FIRST_BIT;
  }

  private readBlock(r: Reader, words: Uint32Array, block: number): void {
    const start = r.pos;
    if (start + this.blockSize > r.end) {
      const which = block === 0 ? 'primary' : 'secondary';
      throw new UnpackError(
        BITMAP_FIELD,
        start,
        `${which} bitmap needs ${this.blockSize} bytes, ${r.end - start} left`,
      );
    }
    const buf = r.buf;
    if (!this.hex) {
      words[block * 2] = buf.readUInt32BE(start);
      words[block * 2 + 1] = buf.readUInt32BE(start + 4);
    } else {
      for (let half = 0; half < 2; half++) {
        let word = 0;
        for (let i = 0; i < 8; i++) {
          const at = start + half * 8 + i;
          const nibble = this.hexValues[buf[at]!]!;
          if (nibble < 0) throw new UnpackError(BITMAP_FIELD, start, `non-hex character at offset ${at}`);
          word = (word << 4) | nibble;
        }
        words[block * 2 + half] = word >>> 0;
      }
    }
    r.pos = start + this.blockSize;
  }
}
