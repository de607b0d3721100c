import { PackError, UnpackError, type FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import { scratchBuffer, type Reader, type Writer } from './io';
import { normalizeDigits } from './normalize';
import type { ValueCodec } from './value-codec';

/**
 * Decimal digits packed two a byte, right-aligned: an odd number of digits gets a leading 0 nibble,
 * which decoding requires to be 0.
 */
export class BcdCodec implements ValueCodec {

  byteLength(units: number): number {
    return (units + 1) >> 1;
  }

  unitsIn(bytes: number): number {
    return bytes * 2;
  }

  write(w: Writer, value: FieldValue, path: FieldPath): number {
    const digits = value as string;
    const n = digits.length;
    const size = (n + 1) >> 1;
    w.ensure(size);
    const buf = w.buf;
    let pos = w.pos;
    // With an odd count the first byte holds the pad nibble and the first digit.
    let i = 0;
    if (n & 1) {
      buf[pos++] = digitAt(digits, 0, path);
      i = 1;
    }
    for (; i < n; i += 2) buf[pos++] = (digitAt(digits, i, path) << 4) | digitAt(digits, i + 1, path);
    w.pos = pos;
    return n;
  }

  read(r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue {
    const buf = r.buf;
    const out = scratchBuffer(units + 1);
    const size = (units + 1) >> 1;
    const padded = units & 1;
    let o = 0;
    for (let i = 0; i < size; i++) {
      const byte = buf[start + i]!;
      const high = byte >> 4;
      const low = byte & 0x0f;
      if (high > 9 || low > 9) throw new UnpackError(path, offset, `byte at offset ${start + i} is not BCD`);
      if (i === 0 && padded) {
        if (high !== 0) throw new UnpackError(path, offset, `BCD pad nibble at offset ${start} is not 0`);
      } else {
        out[o++] = 0x30 + high;
      }
      out[o++] = 0x30 + low;
    }
    return out.toString('latin1', 0, units);
  }

  normalize(input: FieldInput, path: FieldPath): FieldValue {
    return normalizeDigits(input, path);
  }
}

function digitAt(digits: string, index: number, path: FieldPath): number {
  const digit = digits.charCodeAt(index) - 0x30;
  if (digit < 0 || digit > 9) throw new PackError(path, `character ${index + 1} is not a digit`);
  return digit;
}
