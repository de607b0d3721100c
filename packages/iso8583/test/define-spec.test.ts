import { Message, SpecError, defineSpec, specFromJSON, type MessageSpec } from '@rx8583/iso8583';
import { thrown } from './support/specs';

const base = {
  0: { type: 'numeric', length: 4, encoding: 'ascii' },
  1: { type: 'bitmap', length: 8, encoding: 'binary' },
};

function withField(n: number, field: unknown): MessageSpec {
  return { name: 'test', fields: { ...base, [n]: field } } as MessageSpec;
}

describe('defineSpec validation', () => {
  it.each<[string, number, unknown, string]>([
    [
      'prefix digits out of range',
      35,
      { type: 'string', length: 37, encoding: 'ascii', prefix: { digits: 9, encoding: 'ascii' } },
      'field 35: prefix.digits must be 1..6, got 9',
    ],
    [
      'unknown type',
      2,
      { type: 'text', length: 2, encoding: 'ascii' },
      "field 2: type must be one of string, numeric, binary, bitmap, composite, track2, amount, got 'text'",
    ],
    [
      'encoding not for the type',
      3,
      { type: 'numeric', length: 6, encoding: 'hex' },
      "field 3: encoding of a numeric field must be one of ascii, ebcdic, bcd, got 'hex'",
    ],
    [
      'binary in ascii',
      52,
      { type: 'binary', length: 8, encoding: 'ascii' },
      "field 52: encoding of a binary field must be one of binary, hex, ebcdic-hex, got 'ascii'",
    ],
    ['zero length', 4, { type: 'numeric', length: 0, encoding: 'ascii' }, 'field 4: length must be 1..999999, got 0'],
    [
      'fractional length',
      4,
      { type: 'numeric', length: 1.5, encoding: 'ascii' },
      'field 4: length must be 1..999999, got 1.5',
    ],
    [
      'a length the prefix cannot write',
      2,
      { type: 'string', length: 120, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' } },
      'field 2: length 120 cannot be written in a 2-digit ascii prefix (at most 99)',
    ],
    [
      'a misspelt option',
      2,
      { type: 'string', lenght: 2, length: 2, encoding: 'ascii' },
      "field 2: unknown option 'lenght' for a string field",
    ],
    [
      'padding on a variable field',
      2,
      {
        type: 'string',
        length: 9,
        encoding: 'ascii',
        prefix: { digits: 1, encoding: 'ascii' },
        padding: { side: 'right', char: ' ' },
      },
      'field 2: padding applies to fixed-length fields only',
    ],
    [
      'padding on a numeric',
      4,
      { type: 'numeric', length: 4, encoding: 'ascii', padding: { side: 'left', char: '0' } },
      'field 4: padding applies to string fields only',
    ],
    [
      'a two-character pad',
      41,
      { type: 'string', length: 8, encoding: 'ascii', padding: { side: 'right', char: '  ' } },
      'field 41: padding.char must be one character',
    ],
    [
      'a pad ASCII cannot carry',
      41,
      { type: 'string', length: 8, encoding: 'ascii', padding: { side: 'right', char: 'é' } },
      'field 41: padding.char cannot be written in ascii',
    ],
    [
      'a bad side',
      41,
      { type: 'string', length: 8, encoding: 'ascii', padding: { side: 'up', char: ' ' } },
      "field 41: padding.side must be one of left, right, got 'up'",
    ],
    [
      'bad sensitivity',
      2,
      { type: 'string', length: 8, encoding: 'ascii', sensitive: 'yes' },
      "field 2: sensitive must be one of pan, track, pin, secret, got 'yes'",
    ],
    [
      'a bitmap elsewhere',
      65,
      { type: 'bitmap', length: 8, encoding: 'binary' },
      'field 65: only field 1 can be a bitmap',
    ],
    ['not an object', 2, 'LLVAR', 'field 2: must be an object with a type'],
    [
      'a positional composite without subfields',
      48,
      { type: 'composite', layout: 'positional', length: 9 },
      'field 48: a positional composite needs subfields',
    ],
    [
      'a positional id that is not a number',
      48,
      {
        type: 'composite',
        layout: 'positional',
        length: 9,
        subfields: { a: { type: 'string', length: 1, encoding: 'ascii' } },
      },
      'field 48.a: positional subfield ids must be positive integers',
    ],
    [
      'a tlv without tag spec',
      48,
      { type: 'composite', layout: 'tlv', length: 9 },
      'field 48: a tlv composite needs tag { length, encoding }',
    ],
    [
      'a tlv tag of the wrong size',
      48,
      {
        type: 'composite',
        layout: 'tlv',
        length: 99,
        tag: { length: 2, encoding: 'ascii' },
        elementLength: { digits: 2, encoding: 'ascii' },
        subfields: { '001': { type: 'string', length: 5, encoding: 'ascii' } },
      },
      'field 48.001: tag must be 2 characters',
    ],
    [
      'a tlv element that has a prefix',
      48,
      {
        type: 'composite',
        layout: 'tlv',
        length: 99,
        tag: { length: 2, encoding: 'ascii' },
        elementLength: { digits: 2, encoding: 'ascii' },
        subfields: { '01': { type: 'string', length: 5, encoding: 'ascii', prefix: { digits: 1, encoding: 'ascii' } } },
      },
      'field 48.01: TLV elements carry their own length: remove prefix',
    ],
    [
      'a malformed BER tag',
      55,
      {
        type: 'composite',
        layout: 'ber-tlv',
        length: 255,
        subfields: { '9F': { type: 'binary', length: 6, encoding: 'binary' } },
      },
      'field 55.9F: not a well-formed BER-TLV tag in upper-case hex',
    ],
    [
      'a bad subfield',
      55,
      {
        type: 'composite',
        layout: 'ber-tlv',
        length: 255,
        subfields: { '9F02': { type: 'numeric', length: 12, encoding: 'binary' } },
      },
      "field 55.9F02: encoding of a numeric field must be one of ascii, ebcdic, bcd, got 'binary'",
    ],
    [
      'tag options on a BER-TLV',
      55,
      { type: 'composite', layout: 'ber-tlv', length: 255, tag: { length: 1, encoding: 'binary' } },
      "field 55: tag and elementLength apply to the 'tlv' layout only",
    ],
  ])('refuses %s', (_, n, field, message) => {
    const error = thrown(() => defineSpec(withField(n, field)));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toBe(message);
  });

  it('names the field in `field` and the problem alone in `problem`', () => {
    const error = thrown(() =>
      defineSpec(
        withField(35, { type: 'string', length: 37, encoding: 'ascii', prefix: { digits: 9, encoding: 'ascii' } }),
      ),
    ) as SpecError;
    expect(error).toMatchObject({ name: 'SpecError', field: 35, problem: 'prefix.digits must be 1..6, got 9' });
  });

  it.each<[string, unknown, string]>([
    ['a missing MTI', { name: 'x', fields: { 1: base[1] } }, 'field 0 (MTI): the spec must define field 0, the MTI'],
    [
      'a missing bitmap',
      { name: 'x', fields: { 0: base[0] } },
      'field 1 (bitmap): the spec must define field 1, the bitmap',
    ],
    [
      'a variable MTI',
      {
        name: 'x',
        fields: {
          ...base,
          0: { type: 'numeric', length: 4, encoding: 'ascii', prefix: { digits: 1, encoding: 'ascii' } },
        },
      },
      'field 0 (MTI): the MTI must have a fixed length',
    ],
    [
      'a binary MTI',
      { name: 'x', fields: { ...base, 0: { type: 'binary', length: 2, encoding: 'binary' } } },
      'field 0 (MTI): the MTI must be a string or numeric field',
    ],
    [
      'a field 1 that is not a bitmap',
      { name: 'x', fields: { ...base, 1: base[0] } },
      "field 1 (bitmap): field 1 must be the bitmap (type 'bitmap')",
    ],
    [
      'field 129',
      { name: 'x', fields: { ...base, 129: base[0] } },
      "spec: field keys must be numbers 0..128, got '129'",
    ],
    ['no name', { fields: base }, 'spec: name must be a non-empty string'],
    ['no fields', { name: 'x' }, 'spec: fields must be an object keyed by field number'],
    ['an unknown top-level option', { name: 'x', fields: base, header: 'ISO' }, "spec: unknown option 'header'"],
  ])('refuses %s', (_, spec, message) => {
    expect(thrown(() => defineSpec(spec as MessageSpec)).message).toBe(message);
  });

  it('returns the same object, deeply frozen', () => {
    const spec = withField(2, {
      type: 'string',
      length: 2,
      encoding: 'ascii',
      prefix: { digits: 2, encoding: 'ascii' },
    });
    expect(defineSpec(spec)).toBe(spec);
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen((spec.fields as Record<string, { prefix: object }>)['2']!.prefix)).toBe(true);
  });
});

describe('specFromJSON', () => {
  const json = JSON.stringify(
    withField(2, { type: 'string', length: 19, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' } }),
  );

  it('accepts JSON text and parsed objects (copied, not frozen in place)', () => {
    const fromText = specFromJSON(json);
    const parsed = JSON.parse(json) as object;
    const fromObject = specFromJSON(parsed);
    expect(fromText).toEqual(JSON.parse(json));
    expect(fromObject).toEqual(fromText);
    expect(Object.isFrozen(parsed)).toBe(false);
    expect(new Message(fromText, { mti: '0100', fields: { 2: 'AB' } }).pack().toString()).toContain('02AB');
  });

  it('refuses text that is not JSON, with a SpecError', () => {
    expect(thrown(() => specFromJSON('{ name: '))).toBeInstanceOf(SpecError);
  });

  it('refuses a bad spec with the same messages as defineSpec', () => {
    expect(thrown(() => specFromJSON(json.replace('"digits":2', '"digits":9'))).message).toBe(
      'field 2: prefix.digits must be 1..6, got 9',
    );
  });
});
