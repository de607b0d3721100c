import { defineSpec } from '../spec/define-spec';
import type { MessageSpec } from '../spec/types';
import spec87asciiJson from './spec87ascii.json';
import spec87binaryJson from './spec87binary.json';

/**
 * ISO 8583:1987, all ASCII: ASCII MTI, bitmaps as 16 hex characters a block, numerics as ASCII
 * digits, LL/LLL ASCII length prefixes, binary fields (52, 64, 65, 96, 128) as hex characters, fixed
 * text fields space-filled on the right, field 55 as BER-TLV (raw bytes, LLL ASCII prefix counting
 * bytes). Card data fields are marked `sensitive`. The same spec ships as
 * `@rx8583/iso8583/specs/spec87ascii.json`.
 *
 * @example
 * ```ts
 * const m = new Message(spec87ascii, { mti: '0800', fields: { 7: '0101120000', 11: 1, 70: 301 } });
 * ```
 */
export const spec87ascii: MessageSpec = defineSpec(spec87asciiJson as MessageSpec);

/**
 * ISO 8583:1987 in the layout of jPOS's ISO87B packager: BCD MTI, 8-byte binary bitmaps, numerics
 * BCD-packed, LL/LLL BCD length prefixes (LL = 1 byte, LLL = 2 bytes), text fields ASCII, binary
 * fields raw, field 55 as BER-TLV; as in jPOS, fields 2, 32, 33, 99 and 100 are left-aligned BCD
 * (`bcdAlign: 'left'`), track 2 (35) is BCD with the `=` separator as the nibble D (`track2`), and
 * the x+n amounts (28-31, 97) are a sign byte and BCD digits (`amount`). Where it departs from
 * jPOS's file, it follows ISO: 55 is BER-TLV (at most 255 bytes), 65 is 8 bytes, 93 is 5
 * characters, 96 is 8 bytes. The same spec ships as `@rx8583/iso8583/specs/spec87binary.json`.
 *
 * @example
 * ```ts
 * const bytes = new Message(spec87binary, { mti: '0800', fields: { 11: 1, 70: 301 } }).pack();
 * ```
 */
export const spec87binary: MessageSpec = defineSpec(spec87binaryJson as MessageSpec);
