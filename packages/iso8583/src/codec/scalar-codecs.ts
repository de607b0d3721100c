import type { FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import { AmountCodec } from './amount-codec';
import { BcdCodec } from './bcd-codec';
import { HexBytesCodec, RawBytesCodec } from './binary-codecs';
import { EBCDIC_HEX_CHAR, EBCDIC_HEX_VALUE } from './hex';
import type { Reader, Writer } from './io';
import {
  ASCII_DIGITS,
  ASCII_TEXT,
  ASCII_TRACK2,
  AsciiCodec,
  EBCDIC_DIGITS,
  EBCDIC_TEXT,
  EBCDIC_TRACK2,
  EbcdicCodec,
} from './text-codecs';
import type { ByteSource, CompositeCodec, ScalarCodec, ValueCodec } from './value-codec';

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
  /** An amount one byte a character (ASCII, EBCDIC). */
  Amount = 6,
  /** An amount with BCD digits: one sign byte, then two digits a byte. */
  BcdAmount = 7,
  /** Bytes as EBCDIC hex characters (jPOS IFE_BINARY). */
  EbcdicHexBytes = 8,
}

export const RAW_BYTES = new RawBytesCodec();
const HEX_BYTES = new HexBytesCodec();
const EBCDIC_HEX_BYTES = new HexBytesCodec(EBCDIC_HEX_CHAR, EBCDIC_HEX_VALUE);

const CODECS: Record<string, { kind: Kind; codec: ScalarCodec }> = {
  'string/ascii': { kind: Kind.Ascii, codec: ASCII_TEXT },
  'numeric/ascii': { kind: Kind.Ascii, codec: ASCII_DIGITS },
  'string/ebcdic': { kind: Kind.Ebcdic, codec: EBCDIC_TEXT },
  'numeric/ebcdic': { kind: Kind.Ebcdic, codec: EBCDIC_DIGITS },
  'numeric/bcd': { kind: Kind.Bcd, codec: new BcdCodec(false) },
  'numeric/bcd/left': { kind: Kind.Bcd, codec: new BcdCodec(true) },
  'binary/binary': { kind: Kind.RawBytes, codec: RAW_BYTES },
  'binary/hex': { kind: Kind.HexBytes, codec: HEX_BYTES },
  'binary/ebcdic-hex': { kind: Kind.EbcdicHexBytes, codec: EBCDIC_HEX_BYTES },
  // Track 2 in ASCII is table-driven like EBCDIC (digits and '=' are not one range).
  'track2/ascii': { kind: Kind.Ebcdic, codec: ASCII_TRACK2 },
  'track2/ebcdic': { kind: Kind.Ebcdic, codec: EBCDIC_TRACK2 },
  'track2/bcd': { kind: Kind.Bcd, codec: new BcdCodec(false, true) },
  'track2/bcd/left': { kind: Kind.Bcd, codec: new BcdCodec(true, true) },
};

/**
 * The codec and kind of an amount field of `digits` digits (one codec per field: the digit count
 * is its own, for zero-filling what `set` is given).
 */
export function amountCodec(
  encoding: string,
  digits: number,
  bcdAlign: 'left' | 'right' | undefined,
): { kind: number; codec: ScalarCodec } {
  if (encoding === 'bcd')
    return { kind: Kind.BcdAmount, codec: new AmountCodec(new BcdCodec(bcdAlign === 'left'), digits, true, false) };
  const ebcdic = encoding === 'ebcdic';
  return { kind: Kind.Amount, codec: new AmountCodec(ebcdic ? EBCDIC_DIGITS : ASCII_DIGITS, digits, false, ebcdic) };
}

/** Whether a kind is an amount, whose codec checks, fills and sizes what `set` gives it itself. */
export function isAmount(kind: number): boolean {
  return kind === Kind.Amount || kind === Kind.BcdAmount;
}

/** The kind of value a scalar field takes from `set`, for converting and counting it. */
export const enum InputClass {
  /** Text: a string. */
  Text = 0,
  /** Digits: a digit string, a number or a bigint. */
  Digits = 1,
  /** Bytes: a `Uint8Array` or a hex string. */
  Bytes = 2,
}

/** The codec and kind of a scalar type, encoding and BCD alignment (validated by the spec beforehand). */
export function scalarCodec(
  type: string,
  encoding: string,
  bcdAlign: 'left' | 'right' | undefined,
): { kind: number; codec: ScalarCodec } {
  return CODECS[bcdAlign === 'left' ? `${type}/${encoding}/left` : `${type}/${encoding}`]!;
}

/** The kind of a codec no scalar kind covers (composites). */
export const OTHER_KIND: number = Kind.Other;

/** What `set` takes for a scalar kind: text, digits or bytes (`type` decides between text and digits). */
export function inputClass(kind: number, type: string): InputClass {
  if (kind === Kind.RawBytes || kind === Kind.HexBytes || kind === Kind.EbcdicHexBytes) return InputClass.Bytes;
  return type === 'numeric' ? InputClass.Digits : InputClass.Text;
}

/** Whether a kind is ASCII text or digits (an {@link AsciiCodec}), whose fields unpack checks from its `AsciiTable`. */
export function isAscii(kind: number): boolean {
  return kind === Kind.Ascii;
}

/** Whether a kind is raw bytes (a {@link RawBytesCodec}). */
export function isRawBytes(kind: number): boolean {
  return kind === Kind.RawBytes;
}

/** Whether a kind is BCD, whose zero fill and alignment work on digits, not bytes. */
export function isBcd(kind: number): boolean {
  return kind === Kind.Bcd;
}

/** Bytes on the wire for `units` of a value of this kind (BCD: two digits a byte; hex: two characters a byte). */
export function byteLength(kind: number, units: number): number {
  return kind === Kind.Bcd
    ? (units + 1) >> 1
    : kind === Kind.HexBytes || kind === Kind.EbcdicHexBytes
      ? units * 2
      : kind === Kind.BcdAmount
        ? 1 + (units >> 1)
        : units;
}

// writeValue, checkValue and decodeValue repeat the same switch on purpose: one switch serving all
// three would call each method through a value of many classes again, the megamorphic call the kinds
// are there to avoid.

/** `codec.write(...)`, dispatched on `kind`. */
export function writeValue(kind: number, codec: ValueCodec, w: Writer, value: FieldInput, path: FieldPath): number {
  switch (kind) {
    case Kind.Ascii:
      return (codec as AsciiCodec).write(w, value, path);
    case Kind.Ebcdic:
      return (codec as EbcdicCodec).write(w, value, path);
    case Kind.Bcd:
      return (codec as BcdCodec).write(w, value, path);
    case Kind.RawBytes:
      return RAW_BYTES.write(w, value, path);
    case Kind.HexBytes:
      return HEX_BYTES.write(w, value, path);
    case Kind.EbcdicHexBytes:
      return EBCDIC_HEX_BYTES.write(w, value, path);
    case Kind.Amount:
    case Kind.BcdAmount:
      return (codec as AmountCodec).write(w, value, path);
    default:
      return codec.write(w, value, path);
  }
}

/** `codec.check(...)`, dispatched on `kind`. */
export function checkValue(
  kind: number,
  codec: ValueCodec,
  r: Reader,
  start: number,
  units: number,
  path: FieldPath,
  offset: number,
): void {
  switch (kind) {
    case Kind.Ascii:
      return (codec as AsciiCodec).check(r, start, units, path, offset);
    case Kind.Ebcdic:
      return (codec as EbcdicCodec).check(r, start, units, path, offset);
    case Kind.Bcd:
      return (codec as BcdCodec).check(r, start, units, path, offset);
    case Kind.RawBytes:
      return;
    case Kind.HexBytes:
      return HEX_BYTES.check(r, start, units, path, offset);
    case Kind.EbcdicHexBytes:
      return EBCDIC_HEX_BYTES.check(r, start, units, path, offset);
    case Kind.Amount:
    case Kind.BcdAmount:
      return (codec as AmountCodec).check(r, start, units, path, offset);
    default:
      return codec.check(r, start, units, path, offset);
  }
}

/** `codec.decode(...)` of a checked scalar value, dispatched on `kind`. */
export function decodeValue(
  kind: number,
  codec: ValueCodec,
  src: ByteSource,
  start: number,
  units: number,
): FieldValue {
  switch (kind) {
    case Kind.Ascii:
      return (codec as AsciiCodec).decode(src, start, units);
    case Kind.Ebcdic:
      return (codec as EbcdicCodec).decode(src, start, units);
    case Kind.Bcd:
      return (codec as BcdCodec).decode(src, start, units);
    case Kind.RawBytes:
      return RAW_BYTES.decode(src, start, units);
    case Kind.HexBytes:
      return HEX_BYTES.decode(src, start, units);
    case Kind.EbcdicHexBytes:
      return EBCDIC_HEX_BYTES.decode(src, start, units);
    case Kind.Amount:
    case Kind.BcdAmount:
      return (codec as AmountCodec).decode(src, start, units);
    default:
      throw new Error('unreachable: composites are read, not decoded');
  }
}

/** Checks and builds the value of `units` at `start`: scalars from the input's text, composites in one pass. */
export function readValue(
  kind: number,
  codec: ValueCodec,
  r: Reader,
  start: number,
  units: number,
  path: FieldPath,
  offset: number,
): FieldValue {
  if (kind === Kind.Other) return (codec as CompositeCodec).read(r, start, units, path, offset);
  checkValue(kind, codec, r, start, units, path, offset);
  return decodeValue(kind, codec, r, start, units);
}
