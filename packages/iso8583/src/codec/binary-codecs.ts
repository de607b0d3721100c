import { UnpackError, type FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import { HEX_CHAR, HEX_VALUE, hexNibble } from './hex';
import { copyBytes, writeBytes, type Reader, type Writer } from './io';
import { hexDigitAt } from './normalize';
import { ByteUnitCodec, type ByteSource, type ScalarCodec } from './value-codec';

/** Raw bytes; the value read is an independent copy, never a view of the input. */
export class RawBytesCodec extends ByteUnitCodec implements ScalarCodec {
  /** Writes bytes, or the bytes a hex string spells (checked pair by pair). */
  write(w: Writer, value: FieldInput, path: FieldPath): number {
    if (typeof value !== 'string') {
      const bytes = value as Uint8Array;
      writeBytes(w, bytes, 0, bytes.length);
      return bytes.length;
    }
    const n = value.length >> 1;
    w.ensure(n);
    const buf = w.buf;
    const pos = w.pos;
    // One test after the loop instead of two branches a byte (-1 marks a non-hex character).
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const high = hexNibble(value.charCodeAt(2 * i));
      const low = hexNibble(value.charCodeAt(2 * i + 1));
      bad |= high | low;
      buf[pos + i] = (high << 4) | low;
    }
    if (bad < 0) for (let i = 0; i < value.length; i++) hexDigitAt(value, i, path); // throws, naming it
    w.pos = pos + n;
    return n;
  }

  /** Any byte is a byte. */
  check(): void {}

  decode(src: ByteSource, start: number, units: number): FieldValue {
    return copyBytes(src.bytes(start, start + units), start, units);
  }
}

/** Bytes written as hex characters, two a byte (upper case out, either case in), ASCII or EBCDIC. */
export class HexBytesCodec implements ScalarCodec {
  /**
   * @param chars the character code of each nibble, upper case
   * @param values the nibble of each byte, -1 for a byte that is no hex character
   */
  constructor(
    private readonly chars: Uint8Array = HEX_CHAR,
    private readonly values: Int8Array = HEX_VALUE,
  ) {}

  byteLength(units: number): number {
    return units * 2;
  }
  unitsIn(bytes: number): number {
    return bytes % 2 === 0 ? bytes / 2 : -1;
  }

  /** Writes bytes as hex, or a hex string (checked, in upper case). */
  write(w: Writer, value: FieldInput, path: FieldPath): number {
    if (typeof value === 'string') {
      const n = value.length;
      w.ensure(n);
      const buf = w.buf;
      let pos = w.pos;
      const chars = this.chars;
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const nibble = hexNibble(value.charCodeAt(i));
        bad |= nibble;
        buf[pos++] = chars[nibble & 0x0f]!;
      }
      if (bad < 0) for (let i = 0; i < n; i++) hexDigitAt(value, i, path); // throws, naming it
      w.pos = pos;
      return n >> 1;
    }
    const bytes = value as Uint8Array;
    const n = bytes.length;
    w.ensure(n * 2);
    const buf = w.buf;
    const chars = this.chars;
    let pos = w.pos;
    for (let i = 0; i < n; i++) {
      const byte = bytes[i]!;
      buf[pos++] = chars[byte >> 4]!;
      buf[pos++] = chars[byte & 0x0f]!;
    }
    w.pos = pos;
    return n;
  }

  /** Refuses any character that is not a hex digit (either case). */
  check(r: Reader, start: number, units: number, path: FieldPath, offset: number): void {
    const buf = r.buf;
    const values = this.values;
    const end = start + 2 * units;
    for (let i = start; i < end; i++)
      if (values[buf[i]!]! < 0) throw new UnpackError(path, offset, `non-hex character at offset ${i}`);
  }

  decode(src: ByteSource, start: number, units: number): FieldValue {
    const buf = src.bytes(start, start + 2 * units);
    const values = this.values;
    const out = new Uint8Array(units);
    for (let i = 0, at = start; i < units; i++, at += 2) out[i] = (values[buf[at]!]! << 4) | values[buf[at + 1]!]!;
    return out;
  }
}
