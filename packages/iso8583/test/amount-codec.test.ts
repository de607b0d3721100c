import { defineSpec, Message, unpack, UnpackError } from '@rx8583/iso8583';
import { hex, specWith, thrown, toHex } from './support/specs';

// x+n amounts: a sign, then digits.

/** ASCII MTI 0100 and a binary primary bitmap announcing field 28 alone. */
const HEADER_28 = '30313030' + '0000001000000000';

describe('amount', () => {
  const bcd = specWith({ 28: { type: 'amount', length: 8, encoding: 'bcd' } });

  it('packs the sign as an ASCII byte and the digits as BCD, zero-filling the digits', () => {
    const message = new Message(bcd, { mti: '0100', fields: { 28: 'D1500' } });
    expect(message.get(28)).toBe('D00001500');
    expect(toHex(message.pack())).toBe(HEADER_28.toUpperCase() + '44' + '00001500');
    expect(unpack(bcd, hex(HEADER_28 + '43 12 34 56 78')).get(28)).toBe('C12345678');
  });

  it('packs an odd digit count with the pad nibble where bcdAlign says', () => {
    const left = specWith({ 28: { type: 'amount', length: 7, encoding: 'bcd', bcdAlign: 'left' } });
    const right = specWith({ 28: { type: 'amount', length: 7, encoding: 'bcd' } });
    expect(toHex(new Message(left, { mti: '0100', fields: { 28: 'C1234567' } }).pack()).slice(-10)).toBe('4312345670');
    expect(toHex(new Message(right, { mti: '0100', fields: { 28: 'C1234567' } }).pack()).slice(-10)).toBe('4301234567');
  });

  it('in ASCII and EBCDIC writes sign and digits one byte a character', () => {
    const spec = specWith({
      28: { type: 'amount', length: 8, encoding: 'ascii' },
      29: { type: 'amount', length: 8, encoding: 'ebcdic' },
    });
    const bytes = Buffer.from(new Message(spec, { mti: '0100', fields: { 28: 'C42', 29: 'D42' } }).pack());
    expect(bytes.subarray(12, 21).toString('latin1')).toBe('C00000042');
    expect(toHex(bytes.subarray(21))).toBe('C4' + 'F0F0F0F0F0F0F4F2');
    expect(unpack(spec, bytes).get(29)).toBe('D00000042');
  });

  it.each([
    ['+1500', "an amount starts with its sign, 'C' (credit) or 'D' (debit)"],
    ['1500', "an amount starts with its sign, 'C' (credit) or 'D' (debit)"],
    ['C15.00', 'character 4 is not a digit'],
    ['C123456789', 'the amount has 9 digits, the field takes 8'],
  ])('refuses %s when set', (value, problem) => {
    expect(thrown(() => new Message(bcd).set(28, value))).toMatchObject({ name: 'PackError', field: 28, problem });
  });

  it('refuses a number (the sign cannot be guessed) and a bad sign byte when unpacking', () => {
    expect(thrown(() => new Message(bcd).set(28, 1500)).message).toContain(
      "expected an amount as a string ('C' or 'D'",
    );
    const error = thrown(() => unpack(bcd, hex(HEADER_28 + '2B 00 00 15 00')));
    expect(error).toBeInstanceOf(UnpackError);
    expect(error.message).toBe('field 28 at offset 12: byte at offset 12 is not an amount sign (C or D)');
  });

  it('is fixed-length: a prefix is refused by the spec', () => {
    const spec = {
      name: 'x',
      fields: {
        ...bcd.fields,
        28: { type: 'amount', length: 8, encoding: 'bcd', prefix: { digits: 2, encoding: 'bcd' } },
      },
    };
    expect(thrown(() => defineSpec(spec as never)).message).toBe(
      'field 28: an amount field is fixed-length (ISO x+n): remove prefix',
    );
  });
});
