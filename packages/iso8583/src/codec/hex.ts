/**
 * Lookup tables for hex characters, ASCII and EBCDIC: nibble values of characters, and upper-case
 * characters of nibbles.
 */
import { LATIN1_TO_EBCDIC } from './ebcdic';

/** `HEX_VALUE[byte]` is the nibble an ASCII hex character stands for, or -1. Both cases accepted. */
export const HEX_VALUE: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) table[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[0x41 + i] = 10 + i;
    table[0x61 + i] = 10 + i;
  }
  return table;
})();

/** `HEX_CHAR[nibble]` is the upper-case ASCII code of a nibble. */
export const HEX_CHAR: Uint8Array = Uint8Array.from(Buffer.from('0123456789ABCDEF', 'latin1'));

/** The nibble of a hex character's code (either case), -1 for any other character. */
export function hexNibble(code: number): number {
  return code > 0xff ? -1 : HEX_VALUE[code]!;
}

/** `EBCDIC_HEX_VALUE[byte]` is the nibble an EBCDIC hex character (F0-F9, C1-C6, 81-86) stands for, or -1. */
export const EBCDIC_HEX_VALUE: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let code = 0; code < 128; code++) table[LATIN1_TO_EBCDIC[code]!] = HEX_VALUE[code]!;
  return table;
})();

/** `EBCDIC_HEX_CHAR[nibble]` is the upper-case EBCDIC code of a nibble (F0-F9, C1-C6). */
export const EBCDIC_HEX_CHAR: Uint8Array = HEX_CHAR.map((code) => LATIN1_TO_EBCDIC[code]!);

/** Upper-case hex of some bytes, for describe output and tags. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
