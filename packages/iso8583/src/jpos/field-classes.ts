import type { Encoding, FieldSpec, PrefixSpec } from '../spec/types';

/**
 * What a jPOS field class means as an rx8583 field spec. jPOS's `length` attribute is the field's
 * length in its own units: characters, digits, bytes — and for the bitmaps, bytes of bitmap (16 =
 * primary and secondary); for the amounts it counts the sign.
 */
export interface FieldClass {
  /** The field spec of a field of this class, `length` long, with the `pad` attribute given. */
  spec(length: number, pad: boolean, field: number): FieldSpec;
  /** Whether the class can frame a nested packager's subfields (text and byte classes can). */
  readonly framesSubfields: boolean;
  /** Why a field of this class cannot be `length` long in rx8583, when it cannot. */
  refusal?(length: number): string | undefined;
}

type Family = 'ascii' | 'bcd' | 'ebcdic';

/** jPOS `pad="true"` left-pads an odd count of BCD digits (our default); `false` pads on the right. */
function bcdAlign(pad: boolean): { bcdAlign?: 'left' } {
  return pad ? {} : { bcdAlign: 'left' };
}

function prefix(digits: number, encoding: Encoding): { prefix?: PrefixSpec } {
  return digits === 0 ? {} : { prefix: { digits, encoding } };
}

// Track 2 travels in numeric classes (jPOS packs its '=' separator as the BCD nibble D); rx8583
// gives it a kind of its own, so the separator is allowed and checked.
const TRACK_2 = 35;

function numeric(family: Family, digits: number, prefixEncoding: Encoding): FieldClass {
  const encoding: Encoding = family;
  return {
    framesSubfields: false,
    spec: (length, pad, field) => ({
      type: field === TRACK_2 ? 'track2' : 'numeric',
      length,
      encoding,
      ...prefix(digits, prefixEncoding),
      ...(family === 'bcd' ? bcdAlign(pad) : {}),
    }),
  };
}

function text(encoding: 'ascii' | 'ebcdic', digits: number, prefixEncoding: Encoding): FieldClass {
  return {
    framesSubfields: true,
    spec: (length) =>
      digits === 0
        ? { type: 'string', length, encoding, padding: { side: 'right', char: ' ' } }
        : { type: 'string', length, encoding, ...prefix(digits, prefixEncoding) },
  };
}

function bytes(encoding: 'binary' | 'hex' | 'ebcdic-hex', digits: number, prefixEncoding: Encoding): FieldClass {
  return {
    framesSubfields: true,
    spec: (length) => ({ type: 'binary', length, encoding, ...prefix(digits, prefixEncoding) }),
  };
}

function amount(family: Family): FieldClass {
  return {
    framesSubfields: false,
    // jPOS counts the sign in the length; rx8583's amount length counts the digits.
    spec: (length, pad) => ({
      type: 'amount',
      length: length - 1,
      encoding: family,
      ...(family === 'bcd' ? bcdAlign(pad) : {}),
    }),
  };
}

function bitmap(encoding: 'binary' | 'hex' | 'ebcdic-hex'): FieldClass {
  return {
    framesSubfields: false,
    refusal: (length) =>
      length === 8 || length === 16
        ? undefined
        : length > 16
          ? `a ${length}-byte bitmap holds a third bitmap (fields 129-192), beyond the 128 fields rx8583 carries`
          : `a bitmap is 8 bytes (primary) or 16 (primary and secondary), not ${length}`,
    spec: (length) =>
      length === 8 ? { type: 'bitmap', length: 8, encoding, blocks: 1 } : { type: 'bitmap', length: 8, encoding },
  };
}

/**
 * IFB_HEX: hex digits packed two a byte as IFB_NUMERIC packs decimal ones. An even count is plain
 * bytes, half as many; an odd count has a pad nibble rx8583 cannot place.
 */
const HEX_DIGITS: FieldClass = {
  framesSubfields: false,
  refusal: (length) =>
    length % 2 === 0 ? undefined : `${length} hex digits leave a pad nibble rx8583 cannot place (an even length can)`,
  spec: (length) => ({ type: 'binary', length: length / 2, encoding: 'binary' }),
};

const L = ['', 'L', 'LL', 'LLL', 'LLLL', 'LLLLL', 'LLLLLL'];

/** The classes rx8583 maps, by simple name (the `org.jpos.iso.` package is optional in the XML). */
export const FIELD_CLASSES: ReadonlyMap<string, FieldClass> = new Map<string, FieldClass>([
  // ASCII: data and length prefixes as ASCII characters.
  ['IFA_NUMERIC', numeric('ascii', 0, 'ascii')],
  ['IFA_LLNUM', numeric('ascii', 2, 'ascii')],
  ['IFA_LLLNUM', numeric('ascii', 3, 'ascii')],
  ...[1, 2, 3, 4, 5, 6].map((d): [string, FieldClass] => [`IFA_${L[d]}CHAR`, text('ascii', d, 'ascii')]),
  ['IFA_BINARY', bytes('hex', 0, 'ascii')],
  // LLA: the ASCII length counts bytes, each byte written as two ASCII hex characters.
  ['IFA_LLABINARY', bytes('hex', 2, 'ascii')],
  ['IFA_LLLABINARY', bytes('hex', 3, 'ascii')],
  ...[1, 2, 3, 4, 5, 6].map((d): [string, FieldClass] => [`IFA_${L[d]}BINARY`, bytes('binary', d, 'ascii')]),
  ['IFA_AMOUNT', amount('ascii')],
  ['IFA_AMOUNT2003', numeric('ascii', 0, 'ascii')],
  ['IFA_BITMAP', bitmap('hex')],
  ['IF_CHAR', text('ascii', 0, 'ascii')],
  // Binary: numbers BCD, lengths BCD (LL = 1 byte, LLL = 2), text ASCII, bytes raw.
  ['IFB_NUMERIC', numeric('bcd', 0, 'bcd')],
  ['IFB_LLNUM', numeric('bcd', 2, 'bcd')],
  ['IFB_LLLNUM', numeric('bcd', 3, 'bcd')],
  ...[2, 3, 4, 6].map((d): [string, FieldClass] => [`IFB_${L[d]}CHAR`, text('ascii', d, 'bcd')]),
  ['IFB_BINARY', bytes('binary', 0, 'bcd')],
  ...[2, 3, 4].map((d): [string, FieldClass] => [`IFB_${L[d]}BINARY`, bytes('binary', d, 'bcd')]),
  ['IFB_AMOUNT', amount('bcd')],
  // ISO 8583:2003 amounts (currency, exponent, amount) are BCD digits on the wire, as IFB_NUMERIC.
  ['IFB_AMOUNT2003', numeric('bcd', 0, 'bcd')],
  ['IFB_BITMAP', bitmap('binary')],
  ['IFB_HEX', HEX_DIGITS],
  // Binary with a binary length: LLH = 1 byte of length, LLLH = 2.
  ['IFB_LLHNUM', numeric('bcd', 1, 'binary')],
  ['IFB_LLLHNUM', numeric('bcd', 2, 'binary')],
  ['IFB_LLHCHAR', text('ascii', 1, 'binary')],
  ['IFB_LLLHCHAR', text('ascii', 2, 'binary')],
  ['IFB_LLHECHAR', text('ebcdic', 1, 'binary')],
  ['IFB_LLLHECHAR', text('ebcdic', 2, 'binary')],
  ['IFB_LLHBINARY', bytes('binary', 1, 'binary')],
  ['IFB_LLLHBINARY', bytes('binary', 2, 'binary')],
  // EBCDIC: data and length prefixes as EBCDIC characters.
  ['IFE_NUMERIC', numeric('ebcdic', 0, 'ebcdic')],
  ['IFE_LLNUM', numeric('ebcdic', 2, 'ebcdic')],
  ['IFE_LLLNUM', numeric('ebcdic', 3, 'ebcdic')],
  ['IFE_CHAR', text('ebcdic', 0, 'ebcdic')],
  ['IF_ECHAR', text('ebcdic', 0, 'ebcdic')],
  ['IFE_LLCHAR', text('ebcdic', 2, 'ebcdic')],
  ['IFE_LLLCHAR', text('ebcdic', 3, 'ebcdic')],
  ['IFE_LBINARY', bytes('binary', 1, 'ebcdic')],
  ['IFE_LLBINARY', bytes('binary', 2, 'ebcdic')],
  ['IFE_LLLBINARY', bytes('binary', 3, 'ebcdic')],
  // jPOS converts these "binary" values byte by byte to EBCDIC: text in EBCDIC, as rx8583 says it.
  ['IFE_LLLEBINARY', text('ebcdic', 3, 'ebcdic')],
  ['IFE_BINARY', bytes('ebcdic-hex', 0, 'ebcdic')],
  ['IFE_AMOUNT', amount('ebcdic')],
  ['IFE_BITMAP', bitmap('ebcdic-hex')],
]);

const F_PAD = 'it writes an odd digit count with a trailing F nibble, rx8583 with 0 (it reads both)';
const FILLED = 'it writes a length prefix and then pads the value to the full length, a layout rx8583 does not have';
const MASTERCARD =
  "an element of Mastercard's tagged DE 48 subfield packager, which rx8583 does not import (declare 48 as a tlv composite)";
const TAGGED = 'a tagged element (tag, then length) of a GenericTaggedFieldsPackager, which rx8583 does not import';

/**
 * Classes of the IFA_, IFB_ and IFE_ families (and a few beyond) that rx8583 cannot carry as jPOS
 * writes them, with the reason — so the refusal says why, not just "unknown".
 */
export const UNMAPPED_CLASSES: ReadonlyMap<string, string> = new Map([
  ['IFA_LLBNUM', 'its ASCII length counts the BCD digits rounded up to even, so an odd count does not read back'],
  ['IFA_FLLCHAR', FILLED],
  ['IFA_FLLNUM', FILLED],
  ['IFB_FLLNUM', F_PAD],
  ['IFB_FLLLNUM', F_PAD],
  ['IFB_FNUMERIC', F_PAD],
  ['IFB_LLHEX', 'its BCD length counts hex nibbles (twice the bytes), rx8583 prefixes count bytes'],
  ['IFB_LLLHEX', 'its BCD length counts hex nibbles (twice the bytes), rx8583 prefixes count bytes'],
  [
    'IFB_LLHFBINARY',
    'it writes a length byte and then pads the bytes to the full length, a layout rx8583 does not have',
  ],
  ['IFE_SIGNED_NUMERIC', 'a zoned decimal with the sign in the last zone nibble, a kind rx8583 does not have'],
  ['IFEB_LLNUM', 'its EBCDIC length counts BCD bytes, not digits, and an odd count ends in an F nibble'],
  ['IFEB_LLLNUM', 'its EBCDIC length counts BCD bytes, not digits, and an odd count ends in an F nibble'],
  ['IFA_TTLCHAR', TAGGED],
  ['IFA_TTLLCHAR', TAGGED],
  ['IFA_TTLLLCHAR', TAGGED],
  ['IFA_TTLLLLCHAR', TAGGED],
  ['IFA_TTTLLLCHAR', TAGGED],
  ['IFA_TTLBINARY', TAGGED],
  ['IFA_TTLLBINARY', TAGGED],
  ['IFA_TTLLLBINARY', TAGGED],
  ['IFA_TTLLLLBINARY', TAGGED],
  ['IFEP_TTLLCHAR', TAGGED],
  ['IFMC_TCC', MASTERCARD],
  ['IFMC_LLCHAR', MASTERCARD],
  ['IFMC_LLLCHAR', MASTERCARD],
  ['IFMC_LLBINARY', MASTERCARD],
  ['IFMC_LLLBINARY', MASTERCARD],
]);

/** jPOS's placeholder class: a field that packs to nothing. rx8583 leaves it out of the spec. */
export const NOP_CLASS = 'IF_NOP';

/** A tagged element class of an EuroSubFieldPackager: `L..L TT value`, the length counting the tag. */
export interface TaggedClass {
  /** How the element length is written (it counts the 2-digit tag and the value). */
  readonly elementLength: PrefixSpec;
  /** How the 2-digit tag is written. */
  readonly tagEncoding: 'ascii' | 'ebcdic';
  /** The value's spec, `length` the most it takes. */
  spec(length: number): FieldSpec;
}

/** jPOS's IFEP_ classes: LLTT in ASCII; LLLTT in EBCDIC, with ASCII text or raw bytes after it. */
export const TAGGED_CLASSES: ReadonlyMap<string, TaggedClass> = new Map<string, TaggedClass>([
  [
    'IFEP_LLCHAR',
    {
      elementLength: { digits: 2, encoding: 'ascii' },
      tagEncoding: 'ascii',
      spec: (length) => ({ type: 'string', length, encoding: 'ascii' }),
    },
  ],
  [
    'IFEP_LLLCHAR',
    {
      elementLength: { digits: 3, encoding: 'ebcdic' },
      tagEncoding: 'ebcdic',
      spec: (length) => ({ type: 'string', length, encoding: 'ascii' }),
    },
  ],
  [
    'IFEP_LLLBINARY',
    {
      elementLength: { digits: 3, encoding: 'ebcdic' },
      tagEncoding: 'ebcdic',
      spec: (length) => ({ type: 'binary', length, encoding: 'binary' }),
    },
  ],
]);
