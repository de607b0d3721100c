import { PackError, UnpackError, type FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import { scratchBuffer, type Reader, type Writer } from './io';
import type { ByteSource, ScalarCodec } from './value-codec';

/**
 * Decimal digits packed two a byte. An odd number of digits leaves one pad nibble:
 * - right-aligned (`bcdAlign: 'right'`, the default): a leading pad nibble, written and required 0;
 * - left-aligned (`bcdAlign: 'left'`, jPOS `pad="false"`): a trailing pad nibble, written 0 and
 *   accepted as 0 or F when read (some networks fill with F); read back, both give the same digits.
 *
 * With `separator` (track 2 data) the value is text whose `=` field separator is the nibble D, as
 * jPOS packs field 35: `'4111=2812'` → `41 11 D2 81 2x`.
 */
export class BcdCodec implements ScalarCodec {
  /**
   * @param leftAligned whether an odd count's pad nibble trails (left-aligned) instead of leading.
   * @param separator whether `=` (nibble D) is allowed besides the digits (track 2).
   */
  constructor(
    private readonly leftAligned: boolean,
    private readonly separator = false,
  ) {}

  byteLength(units: number): number {
    return (units + 1) >> 1;
  }

  unitsIn(bytes: number): number {
    return bytes * 2;
  }

  write(w: Writer, value: FieldInput, path: FieldPath): number {
    const digits = value as string;
    const n = digits.length;
    const size = (n + 1) >> 1;
    w.ensure(size);
    const buf = w.buf;
    let pos = w.pos;
    const odd = n & 1;
    const sep = this.separator;
    let i = 0;
    // Right-aligned, an odd count's first byte holds the pad nibble and the first digit.
    if (odd && !this.leftAligned) buf[pos++] = digitAt(digits, i++, path, sep);
    const pairsEnd = n - (odd && this.leftAligned ? 1 : 0);
    for (; i < pairsEnd; i += 2) buf[pos++] = (digitAt(digits, i, path, sep) << 4) | digitAt(digits, i + 1, path, sep);
    // Left-aligned, an odd count's last byte holds the last digit and the pad nibble.
    if (i < n) buf[pos++] = digitAt(digits, i, path, sep) << 4;
    w.pos = pos;
    return n;
  }

  check(r: Reader, start: number, units: number, path: FieldPath, offset: number): void {
    const buf = r.buf;
    const odd = units & 1;
    const sep = this.separator;
    let i = start;
    if (odd && !this.leftAligned) checkPaddedByte(buf[i]!, false, path, offset, i++, sep);
    const pairsEnd = i + (units >> 1);
    if (sep) {
      for (; i < pairsEnd; i++) {
        const byte = buf[i]!;
        if (!isTrackNibble(byte >> 4) || !isTrackNibble(byte & 0x0f)) throw notBcd(path, offset, i, sep);
      }
    } else {
      for (; i < pairsEnd; i++) {
        const byte = buf[i]!;
        if (byte >> 4 > 9 || (byte & 0x0f) > 9) throw notBcd(path, offset, i, sep);
      }
    }
    if (odd && this.leftAligned) checkPaddedByte(buf[i]!, true, path, offset, i, sep);
  }

  decode(src: ByteSource, start: number, units: number): FieldValue {
    const bytes = (units + 1) >> 1;
    const buf = src.bytes(start, start + bytes);
    const out = scratchBuffer(units + 1);
    // Every nibble as a digit; an odd count drops the pad nibble at the front or the back.
    const skip = units & 1 && !this.leftAligned ? 1 : 0;
    for (let i = 0, o = 0; i < bytes; i++) {
      const byte = buf[start + i]!;
      out[o++] = 0x30 + (byte >> 4);
      out[o++] = 0x30 + (byte & 0x0f);
    }
    return out.toString('latin1', skip, skip + units);
  }
}

// Read back, nibble D is 0x30 + 0xD = '=': decoding needs no case of its own.
const SEPARATOR_NIBBLE = 0x0d;

function isTrackNibble(nibble: number): boolean {
  return nibble <= 9 || nibble === SEPARATOR_NIBBLE;
}

function notBcd(path: FieldPath, offset: number, at: number, separator: boolean): UnpackError {
  return new UnpackError(
    path,
    offset,
    `byte at offset ${at} is not ${separator ? 'BCD track 2 (digits and D)' : 'BCD'}`,
  );
}

/** Checks a byte holding one digit and a pad nibble (trailing: 0 or F; leading: 0). */
function checkPaddedByte(
  byte: number,
  padTrails: boolean,
  path: FieldPath,
  offset: number,
  at: number,
  separator: boolean,
): void {
  const digit = padTrails ? byte >> 4 : byte & 0x0f;
  const pad = padTrails ? byte & 0x0f : byte >> 4;
  if (digit > 9 && !(separator && digit === SEPARATOR_NIBBLE)) throw notBcd(path, offset, at, separator);
  if (pad !== 0 && !(padTrails && pad === 0x0f)) {
    throw new UnpackError(path, offset, `BCD pad nibble at offset ${at} is not ${padTrails ? '0 or F' : '0'}`);
  }
}

/** The digit (or, with `separator`, the `=` nibble D) at `index`; throws `PackError` naming its position. */
export function digitAt(digits: string, index: number, path: FieldPath, separator = false): number {
  const digit = digits.charCodeAt(index) - 0x30;
  if (digit >= 0 && digit <= 9) return digit;
  if (separator && digit === SEPARATOR_NIBBLE) return digit;
  throw new PackError(path, `character ${index + 1} is not a digit${separator ? " or the separator '='" : ''}`);
}
