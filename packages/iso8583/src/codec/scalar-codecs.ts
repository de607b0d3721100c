import type { FieldPath } from '../errors';
import type { FieldValue } from '../values';
import { BcdCodec } from './bcd-codec';
import { HexBytesCodec, RawBytesCodec } from './binary-codecs';
import type { Reader, Writer } from './io';
import { ASCII_DIGITS, ASCII_TEXT, AsciiCodec, EBCDIC_DIGITS, EBCDIC_TEXT, EbcdicCodec } from './text-codecs';
import type { ValueCodec } from './value-codec';

/**
 * The scalar value codecs and a dispatch on a small integer kind, one kind a codec class. A field
 * calling `this.value.write(...)` would make that call site see every class (a slow, megamorphic
 * call); switching on the kind gives each case a single known class that V8 inlines.
 */

const enum Kind {
  /** Anything else (composites), dispatched through the codec object. */
  Other = 0,
  Ascii = 1,
  Ebcdic = 2,
  Bcd = 3,
  RawBytes = 4,
  HexBytes = 5,
}

const RAW_BYTES = new RawBytesCodec();
const HEX_BYTES = new HexBytesCodec();

const CODECS: Record<string, { kind: Kind; codec: ValueCodec }> = {
  'string/ascii': { kind: Kind.Ascii, codec: ASCII_TEXT },
  'numeric/ascii': { kind: Kind.Ascii, codec: ASCII_DIGITS },
  'string/ebcdic': { kind: Kind.Ebcdic, codec: EBCDIC_TEXT },
  'numeric/ebcdic': { kind: Kind.Ebcdic, codec: EBCDIC_DIGITS },
  'numeric/bcd': { kind: Kind.Bcd, codec: new BcdCodec(false) },
  'numeric/bcd/left': { kind: Kind.Bcd, codec: new BcdCodec(true) },
  'binary/binary': { kind: Kind.RawBytes, codec: RAW_BYTES },
  'binary/hex': { kind: Kind.HexBytes, codec: HEX_BYTES },
};

/** The codec and kind of a scalar type, encoding and BCD alignment (validated by the spec beforehand). */
export function scalarCodec(type: string, encoding: string, bcdAlign: 'left' | 'right' | undefined): { kind: number; codec: ValueCodec } {
  return CODECS[bcdAlign === 'left' ? `${type}/${encoding}/left` : `${type}/${encoding}`]!;
}

/** The kind of a codec no scalar kind covers (composites). */
export const OTHER_KIND: number = Kind.Other;

/** Bytes on the wire for `units` of a value of this kind (BCD: two digits a byte; hex: two characters a byte). */
export function byteLength(kind: number, units: number): number {
  return kind === Kind.Bcd ? (units + 1) >> 1 : kind === Kind.HexBytes ? units * 2 : units;
}

/** `codec.write(...)`, dispatched on `kind`. */
export function writeValue(kind: number, codec: ValueCodec, w: Writer, value: FieldValue, path: FieldPath): number {
  switch (kind) {
    case Kind.Ascii:
      return (codec as AsciiCodec).write(w, value, path);
    case Kind.Ebcdic:
      return (codec as EbcdicCodec).write(w, value, path);
    case Kind.Bcd:
      return (codec as BcdCodec).write(w, value, path);
    case Kind.RawBytes:
      return RAW_BYTES.write(w, value);
    case Kind.HexBytes:
      return HEX_BYTES.write(w, value);
    default:
      return codec.write(w, value, path);
  }
}

/** `codec.read(...)`, dispatched on `kind`. */
export function readValue(kind: number, codec: ValueCodec, r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue {
  switch (kind) {
    case Kind.Ascii:
      return (codec as AsciiCodec).read(r, start, units, path, offset);
    case Kind.Ebcdic:
      return (codec as EbcdicCodec).read(r, start, units, path, offset);
    case Kind.Bcd:
      return (codec as BcdCodec).read(r, start, units, path, offset);
    case Kind.RawBytes:
      return RAW_BYTES.read(r, start, units);
    case Kind.HexBytes:
      return HEX_BYTES.read(r, start, units, path, offset);
    default:
      return codec.read(r, start, units, path, offset);
  }
}
