import { UnpackError, type FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import { HEX_CHAR, HEX_VALUE } from './hex';
import { copyBytes, type Reader, type Writer } from './io';
import { normalizeBytes } from './normalize';
import { ByteUnitCodec, type ValueCodec } from './value-codec';

/** Raw bytes; the value read is an independent copy, never a view of the input. */
export class RawBytesCodec extends ByteUnitCodec {
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

  read(r: Reader, start: number, units: number): FieldValue {
    return copyBytes(r.buf, start, units);
  }

  normalize(input: FieldInput, path: FieldPath): FieldValue {
    return normalizeBytes(input, path);
  }
}

/** Bytes written as ASCII hex characters, two a byte (upper case out, either case in). */
export class HexBytesCodec implements ValueCodec {
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

  read(r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue {
    return readHex(r.buf, start, units, path, offset);
  }

  normalize(input: FieldInput, path: FieldPath): FieldValue {
    return normalizeBytes(input, path);
  }
}

/** Decodes `byteCount` bytes written as hex characters at `start`, refusing non-hex characters. */
export function readHex(buf: Uint8Array, start: number, byteCount: number, path: FieldPath, offset: number): Uint8Array {
  const out = new Uint8Array(byteCount);
  for (let i = 0; i < byteCount; i++) {
    const high = HEX_VALUE[buf[start + 2 * i]!]!;
    const low = HEX_VALUE[buf[start + 2 * i + 1]!]!;
    if (high < 0 || low < 0) throw new UnpackError(path, offset, `non-hex character at offset ${start + 2 * i + (high < 0 ? 0 : 1)}`);
    out[i] = (high << 4) | low;
  }
  return out;
}
