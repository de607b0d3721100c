import type { FieldPath } from '../errors';
import type { FieldValue } from '../values';
import { BcdCodec } from './bcd-codec';
import { HexBytesCodec, RawBytesCodec } from './binary-codecs';
import type { Reader, Writer } from './io';
import { AsciiDigitsCodec, AsciiTextCodec, EbcdicDigitsCodec, EbcdicTextCodec } from './text-codecs';
import type { ValueCodec } from './value-codec';

/**
 * The scalar value codecs, one stateless instance each, and a dispatch on a small integer kind. A
 * field calling `this.value.write(...)` would make that call site see seven classes (a slow,
 * megamorphic call); switching on the kind gives each case a single known target that V8 inlines.
 */

const ASCII_TEXT = new AsciiTextCodec();
const ASCII_DIGITS = new AsciiDigitsCodec();
const EBCDIC_TEXT = new EbcdicTextCodec();
const EBCDIC_DIGITS = new EbcdicDigitsCodec();
const BCD = new BcdCodec(false);
const BCD_LEFT = new BcdCodec(true);
const RAW_BYTES = new RawBytesCodec();
const HEX_BYTES = new HexBytesCodec();

/** Kind numbers; 0 is anything else (composites), dispatched through the codec object. */
const KINDS: Record<string, { kind: number; codec: ValueCodec }> = {
  'string/ascii': { kind: 1, codec: ASCII_TEXT },
  'numeric/ascii': { kind: 2, codec: ASCII_DIGITS },
  'string/ebcdic': { kind: 3, codec: EBCDIC_TEXT },
  'numeric/ebcdic': { kind: 4, codec: EBCDIC_DIGITS },
  'numeric/bcd': { kind: 5, codec: BCD },
  'binary/binary': { kind: 6, codec: RAW_BYTES },
  'binary/hex': { kind: 7, codec: HEX_BYTES },
  'numeric/bcd/left': { kind: 8, codec: BCD_LEFT },
};

/** The codec and kind of a scalar type, encoding and BCD alignment (validated by the spec beforehand). */
export function scalarCodec(type: string, encoding: string, bcdAlign: 'left' | 'right' | undefined): { kind: number; codec: ValueCodec } {
  return KINDS[bcdAlign === 'left' ? `${type}/${encoding}/left` : `${type}/${encoding}`]!;
}

/** Bytes on the wire for `units` of a value of this kind (BCD: two digits a byte; hex: two characters a byte). */
export function byteLength(kind: number, units: number): number {
  return kind === 5 || kind === 8 ? (units + 1) >> 1 : kind === 7 ? units * 2 : units;
}

/** `codec.write(...)`, dispatched on `kind`. */
export function writeValue(kind: number, codec: ValueCodec, w: Writer, value: FieldValue, path: FieldPath): number {
  switch (kind) {
    case 1:
      return ASCII_TEXT.write(w, value, path);
    case 2:
      return ASCII_DIGITS.write(w, value, path);
    case 3:
      return EBCDIC_TEXT.write(w, value, path);
    case 4:
      return EBCDIC_DIGITS.write(w, value, path);
    case 5:
      return BCD.write(w, value, path);
    case 6:
      return RAW_BYTES.write(w, value);
    case 7:
      return HEX_BYTES.write(w, value);
    case 8:
      return BCD_LEFT.write(w, value, path);
    default:
      return codec.write(w, value, path);
  }
}

/** `codec.read(...)`, dispatched on `kind`. */
export function readValue(kind: number, codec: ValueCodec, r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue {
  switch (kind) {
    case 1:
      return ASCII_TEXT.read(r, start, units, path, offset);
    case 2:
      return ASCII_DIGITS.read(r, start, units, path, offset);
    case 3:
      return EBCDIC_TEXT.read(r, start, units);
    case 4:
      return EBCDIC_DIGITS.read(r, start, units, path, offset);
    case 5:
      return BCD.read(r, start, units, path, offset);
    case 6:
      return RAW_BYTES.read(r, start, units);
    case 7:
      return HEX_BYTES.read(r, start, units, path, offset);
    case 8:
      return BCD_LEFT.read(r, start, units, path, offset);
    default:
      return codec.read(r, start, units, path, offset);
  }
}
