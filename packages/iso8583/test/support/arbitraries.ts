import fc from 'fast-check';
import {
  defineSpec,
  type FieldInput,
  type FieldSpec,
  type MessageSpec,
  type PrefixSpec,
  type ScalarFieldSpec,
} from '@rx8583/iso8583';

/** Random specs and messages for property tests: every type, encoding, prefix and layout. */

const asciiChar = fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c));
const latin1Char = fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c));
const digit = fc.integer({ min: 0, max: 9 }).map(String);

const prefixArb: fc.Arbitrary<PrefixSpec> = fc.oneof(
  fc.record({
    digits: fc.constantFrom(2, 3),
    encoding: fc.constantFrom('ascii', 'ebcdic', 'bcd', 'hex') as fc.Arbitrary<PrefixSpec['encoding']>,
  }),
  fc.record({ digits: fc.constantFrom(1, 2), encoding: fc.constant('binary' as const) }),
);

const scalarType = fc.oneof(
  fc.record({ type: fc.constant('string' as const), encoding: fc.constantFrom('ascii' as const, 'ebcdic' as const) }),
  fc.record({
    type: fc.constant('numeric' as const),
    encoding: fc.constantFrom('ascii' as const, 'ebcdic' as const, 'bcd' as const),
  }),
  fc.record({ type: fc.constant('binary' as const), encoding: fc.constantFrom('binary' as const, 'hex' as const) }),
);

/** The payment kinds: track 2 (digits and '=') and x+n amounts, in every encoding they take. */
const paymentType = fc.record({
  type: fc.constantFrom('track2' as const, 'amount' as const),
  encoding: fc.constantFrom('ascii' as const, 'ebcdic' as const, 'bcd' as const),
});

/**
 * A string, numeric, binary, track 2 or amount field; fixed or with a prefix (amounts are always
 * fixed); fixed strings sometimes padded; BCD of either alignment.
 */
const scalarField: fc.Arbitrary<FieldSpec> = fc
  .tuple(
    fc.oneof(scalarType, paymentType),
    fc.integer({ min: 1, max: 40 }),
    fc.option(prefixArb, { nil: undefined }),
    fc.option(fc.constantFrom('left', 'right'), { nil: undefined }),
  )
  .map(([{ type, encoding }, length, prefix, side]) => {
    const field: ScalarFieldSpec = { type, encoding, length, ...(prefix && type !== 'amount' ? { prefix } : {}) };
    if (type === 'string' && !prefix && side) field.padding = { side: side as 'left' | 'right', char: ' ' };
    // BCD alignment: absent (right), or either side spelled out.
    if (encoding === 'bcd' && side) field.bcdAlign = side as 'left' | 'right';
    return field;
  });

/** A field inside a BER-TLV: no prefix; BCD numerics of even length (BER sizes are whole bytes). */
const berElementField: fc.Arbitrary<FieldSpec> = fc
  .tuple(scalarType, fc.integer({ min: 1, max: 150 }))
  .map(
    ([{ type, encoding }, length]) =>
      ({ type, encoding, length: encoding === 'bcd' ? length * 2 : length }) as FieldSpec,
  );

const berTag = fc.constantFrom('9F02', '5F2A', '82', '9F1F', 'DF8101', '71', 'C1');

const compositeField: fc.Arbitrary<FieldSpec> = fc.oneof(
  fc.array(scalarField, { minLength: 1, maxLength: 4 }).map((subs) => ({
    type: 'composite',
    layout: 'positional',
    length: 999,
    prefix: { digits: 3, encoding: 'ascii' },
    subfields: Object.fromEntries(subs.map((s, i) => [String(i + 1), s])),
  })),
  fc
    .tuple(
      fc.constantFrom('ascii', 'ebcdic', 'binary') as fc.Arbitrary<'ascii' | 'ebcdic' | 'binary'>,
      fc.array(scalarField, { maxLength: 2 }),
    )
    .map(([tagEncoding, subs]) => ({
      type: 'composite',
      layout: 'tlv',
      length: 999,
      prefix: { digits: 2, encoding: 'binary' },
      tag: { length: tagEncoding === 'binary' ? 1 : 2, encoding: tagEncoding },
      elementLength: { digits: 2, encoding: 'ascii' },
      subfields: Object.fromEntries(
        subs
          .map(
            (s, i) =>
              [tagEncoding === 'binary' ? `A${i}` : `T${i}`, { ...s, prefix: undefined, padding: undefined }] as const,
          )
          .map(([tag, s]) => [tag, JSON.parse(JSON.stringify(s))]),
      ),
    })),
  fc
    .tuple(
      fc.constantFrom('binary' as const, 'hex' as const),
      fc.uniqueArray(fc.tuple(fc.integer({ min: 2, max: 128 }), scalarField), {
        selector: ([id]) => id,
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([encoding, subs]) => ({
      type: 'composite',
      layout: 'bitmap',
      length: 999,
      prefix: { digits: 3, encoding: 'ascii' },
      subfields: { 1: { type: 'bitmap', length: 8, encoding }, ...Object.fromEntries(subs) },
    })),
  fc.uniqueArray(fc.tuple(berTag, berElementField), { selector: ([tag]) => tag, maxLength: 4 }).map((subs) => ({
    type: 'composite',
    layout: 'ber-tlv',
    length: 999,
    prefix: { digits: 3, encoding: 'ascii' },
    subfields: Object.fromEntries(subs),
  })),
) as fc.Arbitrary<FieldSpec>;

const bitmapField = fc
  .record({
    type: fc.constant('bitmap' as const),
    length: fc.constant(8),
    encoding: fc.constantFrom('binary' as const, 'hex' as const),
    blocks: fc.constantFrom(undefined, 2),
  })
  .map(({ blocks, ...rest }) => (blocks === undefined ? rest : { ...rest, blocks }));

const mtiField = fc.constantFrom<FieldSpec>(
  { type: 'numeric', length: 4, encoding: 'ascii' },
  { type: 'numeric', length: 4, encoding: 'bcd' },
  { type: 'numeric', length: 4, encoding: 'ebcdic' },
  { type: 'string', length: 4, encoding: 'ascii' },
);

/** A random, valid spec with 1..10 data fields between 2 and 128. */
export const specArb: fc.Arbitrary<MessageSpec> = fc
  .tuple(
    mtiField,
    bitmapField,
    fc.uniqueArray(
      fc.tuple(
        fc.integer({ min: 2, max: 128 }),
        fc.oneof({ weight: 4, arbitrary: scalarField }, { weight: 1, arbitrary: compositeField }),
      ),
      {
        selector: ([n]) => n,
        minLength: 1,
        maxLength: 10,
      },
    ),
  )
  .map(([mti, bitmap, fields]) =>
    defineSpec({ name: 'random', fields: { 0: mti, 1: bitmap, ...Object.fromEntries(fields) } }),
  );

function text(char: fc.Arbitrary<string>, minLength: number, maxLength: number) {
  return fc.string({ unit: char, minLength, maxLength });
}

/** A value a field can carry. `sized` = the length is on the wire (prefix or TLV), so any length up to the maximum. */
export function valueArb(spec: FieldSpec, sized: boolean, inBer = false): fc.Arbitrary<FieldInput> {
  if (spec.type === 'composite') return compositeValueArb(spec);
  if (spec.type === 'bitmap') throw new Error('no values for bitmaps');
  const variable = sized || spec.prefix !== undefined;
  const min = variable ? 0 : spec.length;
  if (spec.type === 'binary') return fc.uint8Array({ minLength: min, maxLength: spec.length });
  if (spec.type === 'amount')
    return fc.tuple(fc.constantFrom('C', 'D'), text(digit, spec.length, spec.length)).map(([s, d]) => s + d);
  if (spec.type === 'track2') return text(fc.constantFrom(...'0123456789='), min, spec.length);
  if (spec.type === 'numeric') {
    const digits = text(digit, inBer ? spec.length : min, spec.length);
    return inBer && spec.encoding === 'bcd' ? digits.filter((d) => d.length % 2 === 0) : digits;
  }
  const char = spec.encoding === 'ascii' ? asciiChar : latin1Char;
  if (spec.padding) {
    // Padding is trimmed when unpacking, so a value cannot start or end with the pad character.
    return text(
      char.filter((c) => c !== spec.padding!.char),
      0,
      spec.length,
    );
  }
  return text(char, min, spec.length);
}

function compositeValueArb(spec: Extract<FieldSpec, { type: 'composite' }>): fc.Arbitrary<FieldInput> {
  const subfields = Object.entries(spec.subfields ?? {});
  if (spec.layout === 'positional') {
    return fc
      .integer({ min: 0, max: subfields.length })
      .chain((count) =>
        fc
          .tuple(...subfields.slice(0, count).map(([, sub]) => valueArb(sub, false)))
          .map((values) => Object.fromEntries(values.map((value, i) => [subfields[i]![0], value]))),
      );
  }
  if (spec.layout === 'bitmap') {
    const data = subfields.filter(([id]) => id !== '1');
    return fc
      .subarray(data)
      .chain((present) =>
        fc
          .tuple(...present.map(([, sub]) => valueArb(sub, false)))
          .map((values) => Object.fromEntries(values.map((value, i) => [present[i]![0], value]))),
      );
  }
  if (spec.layout === 'tlv') {
    const tagSpec = spec.tag!;
    const unknownTag = tagSpec.encoding === 'binary' ? 'FF' : 'ZZ';
    const unknownValue =
      tagSpec.encoding === 'binary'
        ? fc.uint8Array({ maxLength: 20 })
        : text(tagSpec.encoding === 'ascii' ? asciiChar : latin1Char, 0, 20);
    const element = fc.oneof(
      ...subfields.map(([tag, sub]) => valueArb(sub, true).map((value) => ({ tag, value }))),
      unknownValue.map((value) => ({ tag: unknownTag, value: value as FieldInput })),
    );
    return fc.array(element, { maxLength: 5 });
  }
  const element = fc.oneof(
    ...subfields.map(([tag, sub]) => valueArb(sub, true, true).map((value) => ({ tag, value }))),
    fc
      .tuple(fc.constantFrom('9F8102', 'DF01', '5A', 'BF0C'), fc.uint8Array({ maxLength: 200 }))
      .map(([tag, value]) => ({ tag, value: value as FieldInput })),
  );
  return fc.array(element, { maxLength: 6 });
}

/** A spec and a message's MTI and field values for it. */
export const specAndFieldsArb = specArb.chain((spec) => {
  const fields = spec.fields as Record<string, FieldSpec>;
  const numbers = Object.keys(fields)
    .map(Number)
    .filter((n) => n >= 2);
  const mtiSpec = fields['0'] as ScalarFieldSpec;
  const mti = mtiSpec.type === 'string' ? text(asciiChar, 4, 4) : text(digit, 4, 4);
  return fc.record({
    spec: fc.constant(spec),
    mti,
    fields: fc
      .subarray(numbers, { minLength: 0 })
      .chain((present) =>
        fc
          .tuple(...present.map((n) => valueArb(fields[String(n)]!, false)))
          .map((values) => Object.fromEntries(values.map((v, i) => [present[i]!, v]))),
      ),
  });
});
