/** Lookup tables for ASCII hex: nibble values of characters, and upper-case characters of nibbles. */

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

/** Upper-case hex of some bytes, for describe output and tags. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}
