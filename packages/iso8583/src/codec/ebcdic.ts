/**
 * EBCDIC, IBM code page 037 (US/Canada), the code page of most EBCDIC payment hosts. It maps the
 * 256 byte values one to one onto U+0000..U+00FF, so every latin1 character has a byte and every
 * byte decodes.
 */

// Byte b decodes to the character whose code is the b-th pair of hex digits.
const DECODE_HEX =
  '000102039C09867F978D8E0B0C0D0E0F101112139D8508871819928F1C1D1E1F' +
  '80818283840A171B88898A8B8C050607909116939495960498999A9B14159E1A' +
  '20A0E2E4E0E1E3E5E7F1A22E3C282B7C26E9EAEBE8EDEEEFECDF21242A293BAC' +
  '2D2FC2C4C0C1C3C5C7D1A62C255F3E3FF8C9CACBC8CDCECFCC603A2340273D22' +
  'D8616263646566676869ABBBF0FDFEB1B06A6B6C6D6E6F707172AABAE6B8C6A4' +
  'B57E737475767778797AA1BFD0DDDEAE5EA3A5B7A9A7B6BCBDBE5B5DAFA8B4D7' +
  '7B414243444546474849ADF4F6F2F3F57D4A4B4C4D4E4F505152B9FBFCF9FAFF' +
  '5CF7535455565758595AB2D4D6D2D3D530313233343536373839B3DBDCD9DA9F';

/** `EBCDIC_TO_LATIN1[byte]` is the character code the EBCDIC byte stands for. */
export const EBCDIC_TO_LATIN1: Uint8Array = Uint8Array.from(Buffer.from(DECODE_HEX, 'hex'));

/** `LATIN1_TO_EBCDIC[code]` is the EBCDIC byte of a character code 0..255. */
export const LATIN1_TO_EBCDIC: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let byte = 0; byte < 256; byte++) table[EBCDIC_TO_LATIN1[byte]!] = byte;
  return table;
})();

/** EBCDIC digits '0'..'9' are 0xF0..0xF9. */
export const EBCDIC_ZERO = 0xf0;
