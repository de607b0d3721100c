import { UnpackError, type FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import { HEX_CHAR, HEX_VALUE } from './hex';
import { bytesOfText, type Reader, type Writer } from './io';
import { normalizeBytes } from './normalize';
import { ByteUnitCodec, type ScalarCodec } from './value-codec';

/** Raw bytes; the value read is an independent copy, never a view of the input. */
export class RawBytesCodec extends ByteUnitCodec implements ScalarCodec {
  write(w: Writer, value: FieldValue): number {
    const bytes = value as Uint8Array;
    const n = bytes.length;
    w.ensure(n);
    const buf = w.buf;
    if (n <= 32) {
      // Short copies are faster as a loop than through the TypedArray.set builtin.
      let pos = w.pos;
      for (let i = 0; i < n; i++) buf[pos++] = bytes[i]!;
    } else {
      buf.set(bytes, w.pos);
    }
    w.pos += n;
    return n;
  }

  /** Any byte is a byte. */
  check(): void {}

  decode(text: string, start: number, units: number): FieldValue {
    return bytesOfText(text, start, units);
  }

  normalize(input: FieldInput, path: FieldPath): FieldValue {
    return normalizeBytes(input, path);
  }
}

/** Bytes written as ASCII hex characters, two a byte (upper case out, either case in). */
export class HexBytesCodec implements ScalarCodec {
  byteLength(units: number): number {
    return units * 2;
  }
  unitsIn(bytes: number): number {
    return bytes % 2 === 0 ? bytes / 2 : -1;
  }

  write(w: Writer, value: FieldValue): number {
    const bytes = value as Uint8Array;
    const n = bytes.length;
    w.ensure(n * 2);
    const buf = w.buf;
    let pos = w.pos;
    for (let i = 0; i < n; i++) {
      const byte = bytes[i]!;
      buf[pos++] = HEX_CHAR[byte >> 4]!;
      buf[pos++] = HEX_CHAR[byte & 0x0f]!;
    }
    w.pos = pos;
    return n;
  }

  /** Refuses any character that is not a hex digit (either case). */
  check(r: Reader, start: number, units: number, path: FieldPath, offset: number): void {
    const buf = r.buf;
    const end = start + 2 * units;
    for (let i = start; i < end; i++)
      if (HEX_VALUE[buf[i]!]! < 0) throw new UnpackError(path, offset, `non-hex character at offset ${i}`);
  }

  decode(text: string, start: number, units: number): FieldValue {
    const out = new Uint8Array(units);
    for (let i = 0, at = start; i < units; i++, at += 2)
      out[i] = (HEX_VALUE[text.charCodeAt(at)]! << 4) | HEX_VALUE[text.charCodeAt(at + 1)]!;
    return out;
  }

  normalize(input: FieldInput, path: FieldPath): FieldValue {
    return normalizeBytes(input, path);
  }
}
