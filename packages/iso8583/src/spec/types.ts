/**
 * What a field holds: text, decimal digits, raw bytes, the bitmaps, subfields — or one of two
 * payment kinds: `track2` (track 2 data: digits and the `=` separator) and `amount` (an ISO x+n
 * amount: the sign `C` or `D`, then digits).
 */
export type FieldType = 'string' | 'numeric' | 'binary' | 'bitmap' | 'composite' | 'track2' | 'amount';

/**
 * How a value (or a length prefix) is written on the wire:
 * - `ascii`: one byte a character, bytes 0x00-0x7F only;
 * - `ebcdic`: one byte a character, IBM code page 037;
 * - `bcd`: two decimal digits a byte; an odd count gets a leading 0 nibble, or a trailing one with
 *   `bcdAlign: 'left'`;
 * - `binary`: raw bytes (for prefixes: `digits` bytes of big-endian length);
 * - `hex`: bytes written as ASCII hex characters, two a byte (upper case when packing);
 * - `ebcdic-hex`: bytes written as EBCDIC hex characters (F0-F9, C1-C6), two a byte, as jPOS's
 *   IFE_BINARY and IFE_BITMAP write them; values and bitmaps only, never a length prefix.
 */
export type Encoding = 'ascii' | 'ebcdic' | 'bcd' | 'binary' | 'hex' | 'ebcdic-hex';

/**
 * A length prefix (LL, LLL...). The length counts the value's characters, digits or bytes, never its
 * encoded size.
 */
export interface PrefixSpec {
  /** The L count, 1..6: LL = 2, LLL = 3. For `binary`, the number of bytes of big-endian length. */
  digits: number;
  /** How the length is written: `ascii`/`ebcdic` (a character a digit), `bcd` (two digits a byte), `binary`, `hex` (ASCII hex characters). */
  encoding: Encoding;
}

/** How a fixed-length field shorter than its length is filled when packed (and trimmed when unpacked). */
export interface Padding {
  /** Which side the pad characters go on. */
  side: 'left' | 'right';
  /** One character the field's encoding can carry, e.g. `' '`. */
  char: string;
}

/** What kind of card data a field carries; drives masking in `describe`. */
export type Sensitivity = 'pan' | 'track' | 'pin' | 'secret';

/** Members every field specification may carry. */
export interface FieldSpecBase {
  /** A human name, shown by `describe`. */
  description?: string;
  /** Marks card data: `pan` (first 6 / last 4 shown), `track`, `pin` and `secret` (hidden). */
  sensitive?: Sensitivity;
}

/**
 * A `string`, `numeric`, `binary`, `track2` or `amount` field.
 * - `track2`: digits and the field separator `=` (`'4111111111111111=2812101'`); in `bcd` each
 *   character is a nibble and `=` is the nibble D, as jPOS's ISO87B packs field 35.
 * - `amount`: an x+n amount, `'C'` (credit) or `'D'` (debit) then exactly `length` digits
 *   (`set` zero-fills the digits: `'D1500'` → `'D00001500'`); in `bcd` the sign is one ASCII byte
 *   and the digits are BCD, as jPOS's IFB_AMOUNT packs fields 28-31 and 97. Always fixed-length.
 */
export interface ScalarFieldSpec extends FieldSpecBase {
  /** `string` (text), `numeric` (decimal digits), `binary` (bytes), `track2` or `amount`. */
  type: 'string' | 'numeric' | 'binary' | 'track2' | 'amount';
  /**
   * The fixed length, or the maximum with a prefix: characters (`string`, `track2`), digits
   * (`numeric`, also when BCD; `amount`, the sign not counted) or bytes (`binary`).
   */
  length: number;
  /**
   * How the value is written: string → ascii|ebcdic; numeric, track2, amount → ascii|ebcdic|bcd;
   * binary → binary|hex|ebcdic-hex.
   */
  encoding: Encoding;
  /** The length prefix of a variable-length field; absent for a fixed-length field. */
  prefix?: PrefixSpec;
  /** Fill rule of a fixed-length `string` field. */
  padding?: Padding;
  /**
   * `bcd` only: where an odd number of digits (or track 2 characters) sits. `'right'` (the default) puts the pad nibble
   * first (`123` → `01 23`); `'left'` puts it last (`123` → `12 30`, jPOS `pad="false"`), and
   * reading accepts a trailing pad nibble of 0 or F.
   */
  bcdAlign?: BcdAlign;
}

/** Where an odd number of BCD digits sits: `'right'` = leading pad nibble, `'left'` = trailing pad nibble. */
export type BcdAlign = 'right' | 'left';

/** The bitmaps (field 1). */
export interface BitmapFieldSpec extends FieldSpecBase {
  type: 'bitmap';
  /** Bytes per 64-bit block: always 8. */
  length: number;
  /** `binary` (8 raw bytes a block), `hex` (16 ASCII hex characters a block) or `ebcdic-hex` (16 EBCDIC ones). */
  encoding: 'binary' | 'hex' | 'ebcdic-hex';
  /**
   * Absent: bitmaps grow by themselves (bit 1 announces the secondary bitmap). A number: that many
   * blocks are always written and bit 1 is never set (moov-io Spec87ASCII writes `blocks: 2`).
   */
  blocks?: number;
}

/** How the tag of a fixed-tag TLV element is written. */
export interface TagSpec {
  /** Tag size: characters for `ascii`/`ebcdic`, bytes for `binary` (tags are then upper-case hex strings). */
  length: number;
  /** `ascii`, `ebcdic` or `binary`. */
  encoding: 'ascii' | 'ebcdic' | 'binary';
}

/**
 * A field made of subfields.
 * - `positional`: subfields one after the other in ascending id order (ids are positive integers);
 *   trailing subfields may be absent. Value: `{ [id]: value }`.
 * - `tlv`: elements of a fixed-size tag (`tag`), a length (`elementLength`) and a value. Value:
 *   `[{ tag, value }, ...]` in wire order, repeats kept.
 * - `ber-tlv`: BER-TLV as in EMV field 55 (multi-byte tags, long-form lengths). Value:
 *   `[{ tag, value }, ...]` in wire order, tags as upper-case hex, unknown tags kept as bytes.
 * - `bitmap`: subfields announced by a bitmap of their own, like a message's fields (jPOS's
 *   GenericSubFieldPackager with `emitBitmap`): subfield `1` is the bitmap spec, subfields 2..128
 *   the data. Value: `{ [id]: value }` of the subfields present.
 */
export interface CompositeFieldSpec extends FieldSpecBase {
  type: 'composite';
  /** Subfield layout. */
  layout: 'positional' | 'tlv' | 'ber-tlv' | 'bitmap';
  /** The fixed length, or the maximum with a prefix, of the whole field, in bytes. */
  length: number;
  /** The length prefix of the whole field; absent for a fixed-length composite. */
  prefix?: PrefixSpec;
  /** Subfield specs by id (positional) or tag (TLV, BER-TLV). Required for `positional`. No prefixes inside TLV. */
  subfields?: Record<string, FieldSpec>;
  /** `tlv` only: how tags are written. */
  tag?: TagSpec;
  /** `tlv` only: how each element's length is written. */
  elementLength?: PrefixSpec;
  /**
   * `tlv` only: the element length comes before the tag and counts the tag and the value
   * (`LL TT value`, jPOS's IFEP_ classes in an EuroSubFieldPackager). Absent: `TT LL value`, the
   * length counting the value.
   */
  lengthFirst?: boolean;
}

/** One field of a message spec. */
export type FieldSpec = ScalarFieldSpec | BitmapFieldSpec | CompositeFieldSpec;

/**
 * The MTI classes (the second MTI digit) a spec declares echo fields for: 1 authorization,
 * 2 financial, 3 file action, 4 reversal (and chargeback), 5 reconciliation, 6 administrative,
 * 7 fee collection, 8 network management.
 */
export type MtiClass =
  | 'authorization'
  | 'financial'
  | 'fileAction'
  | 'reversal'
  | 'reconciliation'
  | 'administrative'
  | 'feeCollection'
  | 'networkManagement';

/**
 * The fields `toResponse` copies from a request into its response, by MTI class; `default` serves
 * every class without a list of its own, and without `default` such a class gets the standard set
 * (see {@link MessageSpec.echo}). Lists name fields the spec defines and never card data a
 * response must not carry back (14, 35, 45, 52, 55, 64, 128, nor any field marked `track`, `pin` or
 * `secret`).
 */
export type EchoFields = { readonly [C in MtiClass | 'default']?: readonly number[] };

/**
 * A message format: plain, JSON-serialisable data. Field 0 is the MTI, field 1 the bitmaps, 2..128
 * the data fields.
 */
export interface MessageSpec {
  /** A human name, e.g. `ISO 8583:1987 ASCII`. */
  name: string;
  /**
   * Field specs by number, 0..128 (JSON's string keys `"2"` are the same keys). Indexable by number,
   * so a built-in spec can be spread and one field overridden:
   * `{ ...spec87ascii.fields, 48: { ...spec87ascii.fields[48]!, length: 512 } }`.
   */
  fields: Readonly<Record<number, FieldSpec>>;
  /**
   * The fields a response echoes, by MTI class. Absent (or for a class it does not list): the standard sets (authorization and
   * financial 2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49; reversal the same and 90; network
   * management 7, 11, 70; other classes 7, 11, 32, 33, 37, 41, 42), limited to the fields the spec defines.
   */
  echo?: EchoFields;
}
