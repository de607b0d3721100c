import { defineSpec, Message, PackError, spec87binary, unpack, UnpackError } from '@rx8583/iso8583';
import { hex, specWith, thrown, toHex } from './support/specs';

// The two payment kinds: track 2 data (digits and '=') and x+n amounts (sign, then digits).

/** ASCII MTI 0100 and a binary primary bitmap announcing field 35 alone. */
const HEADER_35 = '30313030' + '0000000020000000';
/** ASCII MTI 0100 and a binary primary bitmap announcing field 28 alone. */
const HEADER_28 = '30313030' + '0000001000000000';

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

describe('spec87binary', () => {
  it('carries 28-31 and 97 as amounts and 35 as BCD track 2, as jPOS ISO87B packs them', () => {
    const message = new Message(spec87binary, {
      mti: '0200',
      fields: { 28: 'D100', 35: '4111111111111111=2812', 97: 'C1' },
    });
    const bytes = message.pack();
    // MTI 0200 BCD, bitmaps (28, 35, 97), 28: 44 00 00 01 00, 35: 21 41..11 D2 81 20, 97: 43 00..01
    expect(toHex(bytes)).toBe(
      '0200' +
        '80000010200000000000000080000000' +
        '4400000100' +
        '21' +
        '4111111111111111D28120' +
        '43' +
        '0000000000000001',
    );
    expect(unpack(spec87binary, bytes).get(35)).toBe('4111111111111111=2812');
  });
});

describe('tlv with lengthFirst', () => {
  const tagged = specWith({
    48: {
      type: 'composite',
      layout: 'tlv',
      length: 99,
      prefix: { digits: 2, encoding: 'ascii' },
      tag: { length: 2, encoding: 'ascii' },
      elementLength: { digits: 2, encoding: 'ascii' },
      lengthFirst: true,
      subfields: { '01': { type: 'string', length: 20, encoding: 'ascii' } },
    },
  });

  it('writes the element length before the tag, counting the tag: LL TT value', () => {
    const message = new Message(tagged, {
      mti: '0100',
      fields: {
        48: [
          { tag: '01', value: 'ABC' },
          { tag: '77', value: 'Z' },
        ],
      },
    });
    const bytes = Buffer.from(message.pack());
    expect(bytes.subarray(12).toString('latin1')).toBe('12' + '0501ABC' + '0377Z');
    expect(unpack(tagged, bytes).get(48)).toEqual([
      { tag: '01', value: 'ABC' },
      { tag: '77', value: 'Z' },
    ]);
  });

  it('is a tlv option only, true or false, and its length must hold tag and value', () => {
    const composite = tagged.fields[48] as unknown as Record<string, unknown>;
    const withField = (field: Record<string, unknown>) => ({ name: 'x', fields: { ...tagged.fields, 48: field } });
    expect(thrown(() => defineSpec(withField({ ...composite, lengthFirst: 'yes' }) as never)).message).toBe(
      'field 48: lengthFirst must be true or false',
    );
    const positional = {
      type: 'composite',
      layout: 'positional',
      length: 9,
      lengthFirst: true,
      subfields: { 1: { type: 'string', length: 9, encoding: 'ascii' } },
    };
    expect(thrown(() => defineSpec(withField(positional) as never)).message).toBe(
      "field 48: lengthFirst applies to the 'tlv' layout only",
    );
    const tooLong = { ...composite, subfields: { '01': { type: 'string', length: 98, encoding: 'ascii' } } };
    expect(thrown(() => defineSpec(withField(tooLong) as never)).message).toContain(
      'length 100 cannot be written in a 2-digit ascii prefix',
    );
  });
});

describe('bitmap composite', () => {
  const withField48 = (field: object) => ({ name: 'x', fields: { ...specWith({}).fields, 48: field } });
  const subBitmap = { type: 'bitmap', length: 8, encoding: 'hex' };

  it('grows to a secondary bitmap of its own for subfields above 64', () => {
    const spec = defineSpec(
      withField48({
        type: 'composite',
        layout: 'bitmap',
        length: 99,
        prefix: { digits: 2, encoding: 'ascii' },
        subfields: {
          1: subBitmap,
          3: { type: 'string', length: 2, encoding: 'ascii' },
          70: { type: 'numeric', length: 3, encoding: 'ascii' },
        },
      }) as never,
    );
    const bytes = Buffer.from(new Message(spec, { mti: '0100', fields: { 48: { 3: 'AB', 70: 301 } } }).pack());
    expect(bytes.subarray(12).toString('latin1')).toBe('37' + 'A000000000000000' + '0400000000000000' + 'AB' + '301');
    expect(unpack(spec, bytes).get(48)).toEqual({ 3: 'AB', 70: '301' });
  });

  it('needs its bitmap as subfield 1 and numbers its data subfields 2..128 (2..64 with one block)', () => {
    const composite = { type: 'composite', layout: 'bitmap', length: 99, prefix: { digits: 2, encoding: 'ascii' } };
    const data = { 2: { type: 'string', length: 2, encoding: 'ascii' } };
    expect(thrown(() => defineSpec(withField48({ ...composite, subfields: data }) as never)).message).toBe(
      'field 48: a bitmap composite needs subfield 1, its bitmap',
    );
    const oneBlock = { 1: { ...subBitmap, blocks: 1 }, 65: { type: 'string', length: 2, encoding: 'ascii' } };
    expect(thrown(() => defineSpec(withField48({ ...composite, subfields: oneBlock }) as never)).message).toBe(
      'field 48.65: subfields of a bitmap composite are numbered 2..64',
    );
    expect(thrown(() => defineSpec(withField48({ ...composite, subfields: { 1: subBitmap } }) as never)).message).toBe(
      'field 48: a bitmap composite needs data subfields besides its bitmap',
    );
  });
});
