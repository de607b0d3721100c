import {
  defineSpec,
  Message,
  spec87ascii,
  spec87binary,
  unpack,
  type FieldSpec,
  type MessageSpec,
} from '@rx8583/iso8583';

// Type-level checks: this file is compiled in strict mode by `pnpm typecheck` (tsc -p tsconfig.json),
// so the spread-and-override pattern must compile, and each `@ts-expect-error` line must still be an
// error (tsc fails on an unused one). The tests below check the same specs at run time.

const field48: FieldSpec = spec87ascii.fields[48];
const field48ByString: FieldSpec = spec87ascii.fields['48'];

/** A network's spec: spec87ascii with a longer field 48 and a BER-TLV field 62. */
const acme = defineSpec({
  name: 'Acme (87 ASCII, long 48, EMV 62)',
  fields: {
    ...spec87ascii.fields,
    48: { ...spec87ascii.fields[48], description: 'Acme private data', length: 512 },
    62: { type: 'composite', layout: 'ber-tlv', length: 255, prefix: { digits: 3, encoding: 'ascii' } },
  },
});

/** Overriding one field of spec87binary without a cast. */
const acmeBinary: MessageSpec = defineSpec({
  name: 'Acme binary',
  fields: {
    ...spec87binary.fields,
    35: { type: 'string', length: 37, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' }, sensitive: 'track' },
  },
});

const wrongType: MessageSpec = {
  name: 'typos do not compile',
  // @ts-expect-error: 'strin' is not a field type
  fields: { ...spec87ascii.fields, 48: { type: 'strin', length: 10, encoding: 'ascii' } },
};

const wrongEncoding: MessageSpec = {
  name: 'typos do not compile',
  // @ts-expect-error: a length must be a number
  fields: { ...spec87ascii.fields, 48: { type: 'string', length: '10', encoding: 'ascii' } },
};

describe('MessageSpec.fields typing', () => {
  it('indexes a built-in spec by number or numeric string', () => {
    expect(field48).toBe(field48ByString);
    expect(field48).toMatchObject({ type: 'string', length: 999 });
  });

  it('spreads a built-in spec and overrides fields, validated by defineSpec', () => {
    expect(acme.fields[48]).toMatchObject({ type: 'string', length: 512, description: 'Acme private data' });
    expect(acme.fields[2]).toBe(spec87ascii.fields[2]);
    const m = unpack(
      acme,
      new Message(acme, {
        mti: '0100',
        fields: { 48: 'x'.repeat(512), 62: [{ tag: '9F02', value: Uint8Array.of(1) }] },
      }).pack(),
    );
    expect((m.get(48) as string).length).toBe(512);
    expect(acmeBinary.fields[35]).toMatchObject({ encoding: 'ascii' });
  });

  it('the override is checked at run time too', () => {
    expect(() => defineSpec({ ...wrongType, name: 'bad' })).toThrow(
      "field 48: type must be one of string, numeric, binary, bitmap, composite, track2, amount, got 'strin'",
    );
    expect(() => defineSpec({ ...wrongEncoding, name: 'bad' })).toThrow("field 48: length must be 1..999999, got '10'");
  });
});
