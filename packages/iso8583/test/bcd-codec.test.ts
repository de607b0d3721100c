import { defineSpec, Message, spec87binary, SpecError, unpack } from '@rx8583/iso8583';
import { headerFor, hex, specWith, thrown, toHex } from './support/specs';

describe('bcd codec', () => {
  it('bcd: two digits a byte; an odd count gets a leading 0 nibble, which must be 0 when decoding', () => {
    const spec = specWith({
      3: { type: 'numeric', length: 6, encoding: 'bcd' },
      4: { type: 'numeric', length: 3, encoding: 'bcd' },
    });
    const bytes = new Message(spec, { mti: '0100', fields: { 3: '123456', 4: '789' } }).pack();
    expect(toHex(bytes.subarray(12))).toBe('1234560789');
    expect(unpack(spec, bytes).get(4)).toBe('789');
    const badPad = Buffer.from(bytes);
    badPad[15] = 0x17;
    expect(thrown(() => unpack(spec, badPad))).toMatchObject({ name: 'UnpackError', field: 4, offset: 15 });
  });

  it('bcd refuses nibbles above 9', () => {
    const spec = specWith({ 3: { type: 'numeric', length: 4, encoding: 'bcd' } });
    const error = thrown(() => unpack(spec, hex(headerFor(3) + '12A4')));
    expect(error).toMatchObject({ name: 'UnpackError', field: 3, offset: 12 });
    expect(error.message).toBe('field 3 at offset 12: byte at offset 13 is not BCD');
  });

  it('bcd refuses non-digits when packing', () => {
    const spec = specWith({ 3: { type: 'numeric', length: 4, encoding: 'bcd' } });
    expect(thrown(() => new Message(spec, { mti: '0100', fields: { 3: '12F4' } }).pack())).toMatchObject({
      name: 'PackError',
      field: 3,
    });
  });

  it('an MTI in BCD takes two bytes', () => {
    const spec = specWith({});
    const bcdSpec = {
      ...spec,
      fields: { ...spec.fields, 0: { type: 'numeric', length: 4, encoding: 'bcd' } },
    } as typeof spec;
    const bytes = new Message(bcdSpec, { mti: '0800' }).pack();
    expect(toHex(bytes)).toBe('08000000000000000000');
    expect(unpack(bcdSpec, bytes).mti).toBe('0800');
  });
});

const AMEX_PAN = '378282246310005';
/** spec87binary: BCD MTI 0100, then a primary bitmap announcing field 2 only. */
const HEADER_87B = '0100' + '4000000000000000';

describe('bcdAlign: \'left\' (jPOS pad="false")', () => {
  it('writes a 15-digit PAN in spec87binary as jPOS ISO87B does: 15 37 82 82 24 63 10 00 50', () => {
    const bytes = new Message(spec87binary, { mti: '0100', fields: { 2: AMEX_PAN } }).pack();
    expect(toHex(bytes)).toBe(HEADER_87B + '15378282246310005' + '0');
    expect(unpack(spec87binary, hex(HEADER_87B + '15 37 82 82 24 63 10 00 50')).get(2)).toBe(AMEX_PAN);
  });

  it('leaves the default (right-aligned) form as it was: 15 03 78 28 22 46 31 00 05', () => {
    const spec = specWith({
      2: { type: 'numeric', length: 19, encoding: 'bcd', prefix: { digits: 2, encoding: 'bcd' } },
    });
    const bytes = new Message(spec, { mti: '0100', fields: { 2: AMEX_PAN } }).pack();
    expect(toHex(bytes.subarray(12))).toBe('150378282246310005');
  });

  it('gives the same bytes as right alignment for an even number of digits', () => {
    const bytes = new Message(spec87binary, { mti: '0100', fields: { 2: '4111111111111111' } }).pack();
    expect(toHex(bytes)).toBe(HEADER_87B + '164111111111111111');
  });

  it('reads a trailing F pad nibble as padding too; forwards it as it came, and writes 0 when set', () => {
    const message = unpack(spec87binary, hex(HEADER_87B + '15 37 82 82 24 63 10 00 5F'));
    expect(message.get(2)).toBe(AMEX_PAN);
    expect(toHex(message.pack()).endsWith('5F')).toBe(true);
    expect(toHex(message.set(2, AMEX_PAN).pack()).endsWith('50')).toBe(true);
  });

  it('refuses any other pad nibble, at the field data, naming the byte and not the PAN', () => {
    const error = thrown(() => unpack(spec87binary, hex(HEADER_87B + '15 37 82 82 24 63 10 00 57')));
    expect(error).toMatchObject({ name: 'UnpackError', field: 2, offset: 11 });
    expect(error.message).toBe('field 2 at offset 11: BCD pad nibble at offset 18 is not 0 or F');
  });

  it('refuses a non-digit in the digit nibble of the padded byte', () => {
    const error = thrown(() => unpack(spec87binary, hex(HEADER_87B + '15 37 82 82 24 63 10 00 A0')));
    expect(error).toMatchObject({ name: 'UnpackError', field: 2, offset: 11 });
    expect(error.message).toBe('field 2 at offset 11: byte at offset 18 is not BCD');
  });

  it('a right-aligned field still requires its leading pad nibble to be 0 (F is refused)', () => {
    const spec = specWith({ 4: { type: 'numeric', length: 3, encoding: 'bcd' } });
    const error = thrown(() => unpack(spec, hex(headerFor(4) + 'F789')));
    expect(error).toMatchObject({ name: 'UnpackError', field: 4, offset: 12 });
    expect(error.message).toBe('field 4 at offset 12: BCD pad nibble at offset 12 is not 0');
  });

  it('works for fixed fields, one digit, and inside positional composites', () => {
    const spec = specWith({
      3: { type: 'numeric', length: 1, encoding: 'bcd', bcdAlign: 'left' },
      4: { type: 'numeric', length: 5, encoding: 'bcd', bcdAlign: 'left' },
      48: {
        type: 'composite',
        layout: 'positional',
        length: 4,
        subfields: {
          1: { type: 'numeric', length: 3, encoding: 'bcd', bcdAlign: 'left' },
          2: { type: 'numeric', length: 3, encoding: 'bcd' },
        },
      },
    });
    const bytes = new Message(spec, { mti: '0100', fields: { 3: '7', 4: 123, 48: { 1: '456', 2: '789' } } }).pack();
    expect(toHex(bytes.subarray(12))).toBe('70' + '001230' + '4560' + '0789');
    const back = unpack(spec, bytes);
    expect([back.get(3), back.get(4), back.get(48)]).toEqual(['7', '00123', { 1: '456', 2: '789' }]);
  });

  it('is validated by defineSpec with a precise message', () => {
    const field = { type: 'numeric', length: 19, encoding: 'bcd', prefix: { digits: 2, encoding: 'bcd' } } as const;
    const bad = (extra: object) => thrown(() => specWith({ 2: { ...field, ...extra } as never }));
    expect(bad({ bcdAlign: 'center' })).toEqual(new SpecError(2, "bcdAlign must be one of right, left, got 'center'"));
    expect(bad({ encoding: 'ascii', bcdAlign: 'left' })).toEqual(
      new SpecError(2, "bcdAlign applies to bcd-encoded fields only, not 'ascii'"),
    );
    const onText = thrown(() =>
      specWith({ 2: { type: 'string', length: 3, encoding: 'ascii', bcdAlign: 'left' } as never }),
    );
    expect(onText.message).toBe("field 2: unknown option 'bcdAlign' for a string field");
    expect(() =>
      defineSpec({
        name: 'ok',
        fields: {
          0: { type: 'numeric', length: 4, encoding: 'bcd', bcdAlign: 'right' },
          1: { type: 'bitmap', length: 8, encoding: 'binary' },
        },
      }),
    ).not.toThrow();
  });
});
