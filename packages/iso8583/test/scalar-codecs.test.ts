import { Message, PackError, unpack, UnpackError } from '@rx8583/iso8583';
import { hex, specWith, thrown, toHex } from './support/specs';

// Track 2 data (digits and '='): one field type, a codec for each encoding.

/** ASCII MTI 0100 and a binary primary bitmap announcing field 35 alone. */
const HEADER_35 = '30313030' + '0000000020000000';

describe('track2', () => {
  const bcdLeft = specWith({
    35: { type: 'track2', length: 37, encoding: 'bcd', bcdAlign: 'left', prefix: { digits: 2, encoding: 'bcd' } },
  });

  it('packs BCD with = as the nibble D and a trailing pad nibble, and reads it back', () => {
    const bytes = new Message(bcdLeft, { mti: '0100', fields: { 35: '4111111111111111=2812101' } }).pack();
    expect(toHex(bytes)).toBe(HEADER_35.toUpperCase() + '24' + '4111111111111111D2812101');
    const odd = new Message(bcdLeft, { mti: '0100', fields: { 35: '4111=28' } }).pack();
    expect(toHex(odd).slice(-10)).toBe('07' + '4111D280');
    expect(unpack(bcdLeft, odd).get(35)).toBe('4111=28');
    expect(unpack(bcdLeft, hex(HEADER_35 + '09 41 11 D2 81 2F')).get(35)).toBe('4111=2812');
  });

  it('refuses other characters when set, naming the character and never the value', () => {
    const error = thrown(() => new Message(bcdLeft, { mti: '0100', fields: { 35: '4111D2812' } }).pack());
    expect(error).toBeInstanceOf(PackError);
    expect(error.message).toBe("field 35: character 5 is not a digit or the separator '='");
    expect(error.message).not.toContain('4111');
    expect(thrown(() => new Message(bcdLeft).set(35, 4111 as never))).toMatchObject({ field: 35 });
  });

  it('refuses nibbles other than digits and D when unpacking', () => {
    const error = thrown(() => unpack(bcdLeft, hex(HEADER_35 + '04 41 1A')));
    expect(error).toBeInstanceOf(UnpackError);
    expect(error.message).toBe('field 35 at offset 13: byte at offset 14 is not BCD track 2 (digits and D)');
  });

  it('in ASCII and EBCDIC takes digits and = only', () => {
    const spec = specWith({
      35: { type: 'track2', length: 37, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' } },
      36: { type: 'track2', length: 37, encoding: 'ebcdic', prefix: { digits: 2, encoding: 'ebcdic' } },
    });
    const message = new Message(spec, { mti: '0100', fields: { 35: '4111=28', 36: '4111=28' } });
    const bytes = Buffer.from(message.pack());
    expect(bytes.subarray(12, 21).toString('latin1')).toBe('074111=28');
    expect(toHex(bytes.subarray(21))).toBe('F0F7' + 'F4F1F1F17EF2F8');
    expect(unpack(spec, bytes).get(36)).toBe('4111=28');
    expect(thrown(() => new Message(spec, { mti: '0100', fields: { 35: '4111:28' } }).pack()).message).toBe(
      "field 35: character 5 is not a digit or the separator '='",
    );
  });
});
