import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  Message,
  spec87ascii,
  spec87binary,
  STANDARD_ECHO,
  unpack,
  type FieldInput,
  type FieldSpec,
  type MessageSpec,
} from '@rx8583/iso8583';
import { JposPackagerError, readJposPackager, specFromJposPackager } from '@rx8583/iso8583/jpos';
import { FIELD_CLASSES, TAGGED_CLASSES } from '../src/jpos/field-classes';
import { valueArb } from './support/arbitraries';
import { thrown, toHex } from './support/specs';

const fixture = (name: string): string => readFileSync(`${__dirname}/fixtures/jpos/${name}.xml`, 'utf8');

/** A packager of an ASCII MTI, a binary bitmap and the given elements. */
function packager(body: string, attributes = ''): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<isopackager${attributes}>`,
    '  <isofield id="0" length="4" name="MTI" class="org.jpos.iso.IFA_NUMERIC"/>',
    '  <isofield id="1" length="16" name="Bitmap" class="org.jpos.iso.IFB_BITMAP"/>',
    body,
    '</isopackager>',
  ].join('\n');
}

function fieldOf(className: string, length: number, pad?: boolean, id = 47): FieldSpec | undefined {
  const padAttribute = pad === undefined ? '' : ` pad="${pad}"`;
  const xml = packager(
    `  <isofield id="${id}" length="${length}" name="F"${padAttribute} class="org.jpos.iso.${className}"/>`,
  );
  const spec = specFromJposPackager(xml).fields[id];
  if (spec === undefined) return undefined;
  const { description: _description, ...layout } = spec;
  return layout as FieldSpec;
}

const ascii = (digits: number) => ({ prefix: { digits, encoding: 'ascii' as const } });
const bcd = (digits: number) => ({ prefix: { digits, encoding: 'bcd' as const } });
const bin = (digits: number) => ({ prefix: { digits, encoding: 'binary' as const } });
const ebcdic = (digits: number) => ({ prefix: { digits, encoding: 'ebcdic' as const } });
const SPACE_FILLED = { padding: { side: 'right' as const, char: ' ' } };

describe('specFromJposPackager: field classes', () => {
  it.each<[string, number, boolean | undefined, FieldSpec]>([
    ['IFA_NUMERIC', 6, undefined, { type: 'numeric', length: 6, encoding: 'ascii' }],
    ['IFA_LLNUM', 19, undefined, { type: 'numeric', length: 19, encoding: 'ascii', ...ascii(2) }],
    ['IFA_LLLNUM', 20, undefined, { type: 'numeric', length: 20, encoding: 'ascii', ...ascii(3) }],
    ['IFA_LCHAR', 9, undefined, { type: 'string', length: 9, encoding: 'ascii', ...ascii(1) }],
    ['IFA_LLCHAR', 25, undefined, { type: 'string', length: 25, encoding: 'ascii', ...ascii(2) }],
    ['IFA_LLLCHAR', 999, undefined, { type: 'string', length: 999, encoding: 'ascii', ...ascii(3) }],
    ['IFA_LLLLCHAR', 9999, undefined, { type: 'string', length: 9999, encoding: 'ascii', ...ascii(4) }],
    ['IFA_LLLLLCHAR', 99999, undefined, { type: 'string', length: 99999, encoding: 'ascii', ...ascii(5) }],
    ['IFA_LLLLLLCHAR', 999999, undefined, { type: 'string', length: 999999, encoding: 'ascii', ...ascii(6) }],
    ['IFA_BINARY', 8, undefined, { type: 'binary', length: 8, encoding: 'hex' }],
    ['IFA_LBINARY', 9, undefined, { type: 'binary', length: 9, encoding: 'binary', ...ascii(1) }],
    ['IFA_LLBINARY', 99, undefined, { type: 'binary', length: 99, encoding: 'binary', ...ascii(2) }],
    ['IFA_LLLBINARY', 999, undefined, { type: 'binary', length: 999, encoding: 'binary', ...ascii(3) }],
    ['IFA_LLLLBINARY', 9999, undefined, { type: 'binary', length: 9999, encoding: 'binary', ...ascii(4) }],
    ['IFA_LLLLLBINARY', 99999, undefined, { type: 'binary', length: 99999, encoding: 'binary', ...ascii(5) }],
    ['IFA_LLLLLLBINARY', 999999, undefined, { type: 'binary', length: 999999, encoding: 'binary', ...ascii(6) }],
    ['IFA_AMOUNT', 9, undefined, { type: 'amount', length: 8, encoding: 'ascii' }],
    ['IF_CHAR', 8, undefined, { type: 'string', length: 8, encoding: 'ascii', ...SPACE_FILLED }],
    ['IFB_NUMERIC', 3, true, { type: 'numeric', length: 3, encoding: 'bcd' }],
    ['IFB_NUMERIC', 3, false, { type: 'numeric', length: 3, encoding: 'bcd', bcdAlign: 'left' }],
    ['IFB_NUMERIC', 3, undefined, { type: 'numeric', length: 3, encoding: 'bcd', bcdAlign: 'left' }],
    ['IFB_LLNUM', 19, false, { type: 'numeric', length: 19, encoding: 'bcd', ...bcd(2), bcdAlign: 'left' }],
    ['IFB_LLLNUM', 25, true, { type: 'numeric', length: 25, encoding: 'bcd', ...bcd(3) }],
    ['IFB_LLCHAR', 25, undefined, { type: 'string', length: 25, encoding: 'ascii', ...bcd(2) }],
    ['IFB_LLLCHAR', 999, undefined, { type: 'string', length: 999, encoding: 'ascii', ...bcd(3) }],
    ['IFB_LLLLCHAR', 9999, undefined, { type: 'string', length: 9999, encoding: 'ascii', ...bcd(4) }],
    ['IFB_LLLLLLCHAR', 99999, undefined, { type: 'string', length: 99999, encoding: 'ascii', ...bcd(6) }],
    ['IFB_BINARY', 8, undefined, { type: 'binary', length: 8, encoding: 'binary' }],
    ['IFB_LLBINARY', 99, undefined, { type: 'binary', length: 99, encoding: 'binary', ...bcd(2) }],
    ['IFB_LLLBINARY', 999, undefined, { type: 'binary', length: 999, encoding: 'binary', ...bcd(3) }],
    ['IFB_LLLLBINARY', 9999, undefined, { type: 'binary', length: 9999, encoding: 'binary', ...bcd(4) }],
    ['IFB_AMOUNT', 9, true, { type: 'amount', length: 8, encoding: 'bcd' }],
    ['IFB_AMOUNT', 8, false, { type: 'amount', length: 7, encoding: 'bcd', bcdAlign: 'left' }],
    ['IFB_LLHNUM', 19, false, { type: 'numeric', length: 19, encoding: 'bcd', ...bin(1), bcdAlign: 'left' }],
    ['IFB_LLLHNUM', 300, true, { type: 'numeric', length: 300, encoding: 'bcd', ...bin(2) }],
    ['IFB_LLHCHAR', 255, undefined, { type: 'string', length: 255, encoding: 'ascii', ...bin(1) }],
    ['IFB_LLLHCHAR', 999, undefined, { type: 'string', length: 999, encoding: 'ascii', ...bin(2) }],
    ['IFB_LLHECHAR', 99, undefined, { type: 'string', length: 99, encoding: 'ebcdic', ...bin(1) }],
    ['IFB_LLLHECHAR', 999, undefined, { type: 'string', length: 999, encoding: 'ebcdic', ...bin(2) }],
    ['IFB_LLHBINARY', 255, undefined, { type: 'binary', length: 255, encoding: 'binary', ...bin(1) }],
    ['IFB_LLLHBINARY', 999, undefined, { type: 'binary', length: 999, encoding: 'binary', ...bin(2) }],
    ['IFE_NUMERIC', 6, undefined, { type: 'numeric', length: 6, encoding: 'ebcdic' }],
    ['IFE_LLNUM', 19, undefined, { type: 'numeric', length: 19, encoding: 'ebcdic', ...ebcdic(2) }],
    ['IFE_CHAR', 8, undefined, { type: 'string', length: 8, encoding: 'ebcdic', ...SPACE_FILLED }],
    ['IF_ECHAR', 8, undefined, { type: 'string', length: 8, encoding: 'ebcdic', ...SPACE_FILLED }],
    ['IFE_LLCHAR', 99, undefined, { type: 'string', length: 99, encoding: 'ebcdic', ...ebcdic(2) }],
    ['IFE_LLLCHAR', 999, undefined, { type: 'string', length: 999, encoding: 'ebcdic', ...ebcdic(3) }],
    ['IFE_LLBINARY', 99, undefined, { type: 'binary', length: 99, encoding: 'binary', ...ebcdic(2) }],
    ['IFE_LLLBINARY', 999, undefined, { type: 'binary', length: 999, encoding: 'binary', ...ebcdic(3) }],
    ['IFE_AMOUNT', 9, undefined, { type: 'amount', length: 8, encoding: 'ebcdic' }],
    ['IFA_LLABINARY', 99, undefined, { type: 'binary', length: 99, encoding: 'hex', ...ascii(2) }],
    ['IFA_LLLABINARY', 999, undefined, { type: 'binary', length: 999, encoding: 'hex', ...ascii(3) }],
    ['IFA_AMOUNT2003', 16, undefined, { type: 'numeric', length: 16, encoding: 'ascii' }],
    ['IFB_AMOUNT2003', 16, true, { type: 'numeric', length: 16, encoding: 'bcd' }],
    ['IFB_HEX', 8, undefined, { type: 'binary', length: 4, encoding: 'binary' }],
    ['IFE_LLLNUM', 999, undefined, { type: 'numeric', length: 999, encoding: 'ebcdic', ...ebcdic(3) }],
    ['IFE_LBINARY', 9, undefined, { type: 'binary', length: 9, encoding: 'binary', ...ebcdic(1) }],
    ['IFE_LLLEBINARY', 999, undefined, { type: 'string', length: 999, encoding: 'ebcdic', ...ebcdic(3) }],
    ['IFE_BINARY', 8, undefined, { type: 'binary', length: 8, encoding: 'ebcdic-hex' }],
  ])('%s length %d pad %s', (className, length, pad, expected) => {
    expect(fieldOf(className, length, pad)).toEqual(expected);
  });

  it('maps the numeric classes of field 35 to track 2 data, in their encoding', () => {
    expect(fieldOf('IFB_LLNUM', 37, false, 35)).toEqual({
      type: 'track2',
      length: 37,
      encoding: 'bcd',
      ...bcd(2),
      bcdAlign: 'left',
      sensitive: 'track',
    });
    expect(fieldOf('IFA_LLNUM', 37, undefined, 35)).toMatchObject({ type: 'track2', encoding: 'ascii' });
  });

  it('maps the bitmaps: 16 bytes grow to a secondary bitmap, 8 bytes are one block', () => {
    const hexBitmap = packager('').replace('IFB_BITMAP', 'IFA_BITMAP');
    expect(specFromJposPackager(hexBitmap).fields[1]).toMatchObject({ type: 'bitmap', length: 8, encoding: 'hex' });
    expect(specFromJposPackager(hexBitmap).fields[1]).not.toHaveProperty('blocks');
    const primaryOnly = packager('').replace('length="16"', 'length="8"');
    expect(specFromJposPackager(primaryOnly).fields[1]).toMatchObject({ encoding: 'binary', blocks: 1 });
  });

  it('leaves IF_NOP fields out, accepts class names without the org.jpos.iso package', () => {
    const xml = packager(
      '  <isofield id="2" length="0" name="nothing" class="org.jpos.iso.IF_NOP"/>\n' +
        '  <isofield id="3" length="6" name="PC" class="IFA_NUMERIC"/>',
    );
    const spec = specFromJposPackager(xml);
    expect(spec.fields[2]).toBeUndefined();
    expect(spec.fields[3]).toMatchObject({ type: 'numeric', length: 6, description: 'PC' });
  });

  it('packs x+n amounts and track 2 as jPOS ISO87B does', () => {
    const xml = packager(
      '  <isofield id="28" length="9" name="Fee" pad="true" class="org.jpos.iso.IFB_AMOUNT"/>\n' +
        '  <isofield id="35" length="37" name="Track 2" pad="false" class="org.jpos.iso.IFB_LLNUM"/>\n' +
        '  <isofield id="97" length="17" name="Net" class="org.jpos.iso.IFB_AMOUNT"/>',
    );
    const spec = specFromJposPackager(xml);
    const bytes = new Message(spec, {
      mti: '0200',
      fields: { 28: 'D1500', 35: '4111111111111111=2812101', 97: 'C123' },
    }).pack();
    // MTI, bitmap (28, 35, 97), then: D 00 00 15 00 | 24 41 11 .. D2 81 21 01 | C 00..01 23
    expect(toHex(bytes)).toBe(
      '30323030' +
        '80000010200000000000000080000000' +
        '44' +
        '00001500' +
        '24' +
        '4111111111111111D2812101' +
        '43' +
        '0000000000000123',
    );
  });

  it('covers every class it maps in its own fixture, and every class packs and unpacks what it was given', () => {
    const xml = fixture('every-class');
    const fixtures = xml + fixture('iso87ascii') + fixture('ebcdic'); // they hold the hex bitmaps
    const used = new Set([...fixtures.matchAll(/class="org\.jpos\.iso\.([A-Z0-9_]+)"/g)].map((m) => m[1]));
    const supported = [...FIELD_CLASSES.keys(), ...TAGGED_CLASSES.keys()];
    expect(supported.filter((name) => !used.has(name))).toEqual([]);
    const spec = specFromJposPackager(xml);
    const numbers = Object.keys(spec.fields)
      .map(Number)
      .filter((n) => n > 1);
    expect(numbers).toHaveLength(64);
    fc.assert(
      fc.property(fieldsArb(spec, numbers), (fields) => {
        const message = new Message(spec, { mti: '0100', fields });
        const back = unpack(spec, message.pack());
        for (const n of numbers) expect(back.get(n)).toEqual(message.get(n));
      }),
      { numRuns: 50 },
    );
  });

  it('maps a nested GenericSubFieldPackager to a positional composite framed like its class', () => {
    const spec = specFromJposPackager(fixture('every-class'));
    expect(spec.fields[48]).toMatchObject({
      type: 'composite',
      layout: 'positional',
      length: 999,
      ...ascii(3),
      subfields: {
        1: { type: 'string', length: 2, encoding: 'ascii', ...SPACE_FILLED },
        2: { type: 'numeric', length: 4, encoding: 'ascii' },
        3: { type: 'string', length: 20, encoding: 'ascii', ...ascii(2) },
      },
    });
    expect(Object.keys((spec.fields[60] as { subfields: object }).subfields)).toEqual(['1', '2']);
    const bytes = new Message(spec, { mti: '0100', fields: { 48: { 1: 'AB', 2: 7, 3: 'hello' } } }).pack();
    expect(
      Buffer.from(bytes)
        .subarray(4 + 8)
        .toString('latin1'),
    ).toBe('013AB000705hello');
  });
});

describe('specFromJposPackager: EuroSubFieldPackager', () => {
  it('maps IFEP_ elements to a length-first TLV with 2-digit tags, packed as jPOS packs LLTT and LLLTT', () => {
    const spec = specFromJposPackager(fixture('every-class'));
    expect(spec.fields[61]).toMatchObject({
      type: 'composite',
      layout: 'tlv',
      length: 999,
      ...ascii(3),
      tag: { length: 2, encoding: 'ascii' },
      elementLength: { digits: 2, encoding: 'ascii' },
      lengthFirst: true,
      subfields: { '01': { type: 'string', length: 20, encoding: 'ascii' }, '42': { type: 'string', length: 10 } },
    });
    expect(spec.fields[62]).toMatchObject({
      tag: { length: 2, encoding: 'ebcdic' },
      elementLength: { digits: 3, encoding: 'ebcdic' },
      subfields: { '01': { type: 'string', encoding: 'ascii' }, '02': { type: 'binary', encoding: 'binary' } },
    });
    const e61 = [
      { tag: '01', value: 'ABC' },
      { tag: '42', value: 'WEB' },
    ];
    const e62 = [
      { tag: '01', value: 'XY' },
      { tag: '02', value: Uint8Array.of(0xca, 0xfe) },
    ];
    const bytes = Buffer.from(new Message(spec, { mti: '0100', fields: { 61: e61, 62: e62 } }).pack());
    // 61: LLL "014", then "05" "01" "ABC" and "05" "42" "WEB" (the length counts the tag).
    expect(bytes.subarray(12, 29).toString('latin1')).toBe('014' + '0501ABC' + '0542WEB');
    // 62: LLL BCD 00 14, then EBCDIC "00402" "XY" and EBCDIC "00402" CA FE.
    expect(toHex(bytes.subarray(29))).toBe('0014' + 'F0F0F4F0F1' + '5859' + 'F0F0F4F0F2' + 'CAFE');
    expect(unpack(spec, bytes).get(61)).toEqual(e61);
    expect(unpack(spec, bytes).get(62)).toEqual(e62);
  });

  it('refuses an untagged subfield 0, mixed element kinds, and IFEP_ classes outside it', () => {
    const euro = (body: string) =>
      packager(
        '  <isofieldpackager id="48" length="999" name="AD" class="IFA_LLLCHAR" packager="org.jpos.iso.packager.EuroSubFieldPackager">\n' +
          body +
          '\n  </isofieldpackager>',
      );
    expect(
      thrown(() => specFromJposPackager(euro('    <isofield id="0" length="1" name="T" class="IF_CHAR"/>'))).message,
    ).toBe(
      'line 6: field 48.0: the untagged subfield 0 of an EuroSubFieldPackager is not supported (only tagged IFEP_ elements)',
    );
    const mixed =
      '    <isofield id="1" length="9" name="A" class="IFEP_LLCHAR"/>\n    <isofield id="2" length="9" name="B" class="IFEP_LLLCHAR"/>';
    expect(thrown(() => specFromJposPackager(euro(mixed))).message).toContain(
      'line 7: field 48.2: IFEP_LLLCHAR frames its elements unlike IFEP_LLCHAR',
    );
    const untagged = euro('    <isofield id="1" length="9" name="A" class="IFA_LLCHAR"/>');
    expect(thrown(() => specFromJposPackager(untagged)).message).toContain('is not a tagged element');
    expect(thrown(() => fieldOf('IFEP_LLCHAR', 20)).message).toBe(
      "line 5: field 47: 'org.jpos.iso.IFEP_LLCHAR' is a tagged element: it belongs in an EuroSubFieldPackager",
    );
  });

  it('refuses an element whose length cannot hold its tag, or runs past the field', () => {
    const spec = specFromJposPackager(fixture('every-class'));
    const header = '30313030' + '0000000000000008';
    expect(
      thrown(() => unpack(spec, Buffer.from(header + Buffer.from('0030101').toString('hex'), 'hex'))).message,
    ).toBe('field 61 at offset 15: element length 1 cannot hold its 2-byte tag');
    expect(
      thrown(() => unpack(spec, Buffer.from(header + Buffer.from('0070901ABC').toString('hex'), 'hex'))).message,
    ).toBe('field 61.01 at offset 19: data needs 7 bytes, 3 left');
  });
});

describe('specFromJposPackager: GenericSubFieldPackager with a bitmap', () => {
  it('maps it to a bitmap composite: its own bitmap, then the subfields it announces', () => {
    const spec = specFromJposPackager(fixture('every-class'));
    expect(spec.fields[63]).toMatchObject({
      type: 'composite',
      layout: 'bitmap',
      length: 999,
      ...bcd(3),
      subfields: {
        1: { type: 'bitmap', length: 8, encoding: 'binary', blocks: 1 },
        2: { type: 'numeric', length: 6, encoding: 'bcd' },
        3: { type: 'string', length: 4, encoding: 'ascii', ...SPACE_FILLED },
        10: { type: 'string', length: 20, encoding: 'ascii', ...bcd(2) },
      },
    });
    const bytes = Buffer.from(new Message(spec, { mti: '0100', fields: { 63: { 2: '261201', 10: 'REF1' } } }).pack());
    // LLL BCD 00 16 | bitmap 40 40 00..00 (subfields 2 and 10) | 26 12 01 | 04 "REF1"
    expect(toHex(bytes.subarray(12))).toBe('0016' + '4040000000000000' + '261201' + '04' + '52454631');
    expect(unpack(spec, bytes).get(63)).toEqual({ 2: '261201', 10: 'REF1' });
  });

  it('refuses a subfield the spec does not define, when packing and when unpacking', () => {
    const spec = specFromJposPackager(fixture('every-class'));
    expect(thrown(() => new Message(spec).set(63, { 4: 'X' }))).toMatchObject({
      name: 'PackError',
      field: '63.4',
      problem: 'the spec does not define this subfield',
    });
    const header = '30313030' + '0000000000000002';
    const error = thrown(() => unpack(spec, Buffer.from(header + '0008' + '1000000000000000', 'hex')));
    expect(error.message).toBe(
      'field 63.1 at offset 14: the bitmap announces subfield 4, which the spec does not define',
    );
  });
});

/** A value for every field of `numbers` (fast-check values as the property tests make them). */
function fieldsArb(spec: MessageSpec, numbers: number[]): fc.Arbitrary<Record<number, FieldInput>> {
  return fc.record(Object.fromEntries(numbers.map((n) => [n, valueArb(spec.fields[n]!, false)])));
}

describe('specFromJposPackager: the ISO 8583:1987 packagers', () => {
  // Where jPOS's ISO87 layout departs from ISO, the built-in specs follow ISO: 55 is BER-TLV (at
  // most 255 bytes) where jPOS has LLLCHAR/LLLBINARY 999, 65 is 8 bytes (jPOS: 1), 93 is 5
  // characters (jPOS: 6), 96 is 8 bytes (jPOS: 16).
  const DIFFERENT = [55, 65, 93, 96];

  it.each([
    ['iso87ascii', spec87ascii],
    ['iso87binary', spec87binary],
  ])('%s packs every field it shares with the built-in spec byte for byte alike', (name, builtIn) => {
    const imported = specFromJposPackager(fixture(name));
    const shared = Object.keys(builtIn.fields)
      .map(Number)
      .filter((n) => n > 1 && !DIFFERENT.includes(n));
    expect(shared).toHaveLength(123);
    fc.assert(
      // Values as the imported spec takes them: its amounts and track 2 are the built-in's text too.
      fc.property(fieldsArb(imported, shared), (fields) => {
        const bytes = new Message(builtIn, { mti: '0200', fields }).pack();
        expect(toHex(new Message(imported, { mti: '0200', fields }).pack())).toBe(toHex(bytes));
        const back = unpack(imported, bytes);
        for (const n of shared) expect(back.get(n)).toEqual(unpack(builtIn, bytes).get(n));
      }),
      { numRuns: 30 },
    );
  });

  it.each([
    ['iso87ascii', 'string', 999, 'hex'],
    ['iso87binary', 'binary', 999, 'binary'],
  ])('%s keeps jPOS sizes where they differ from ISO: 55, 65, 93, 96', (name, type55, length55, bytes) => {
    const imported = specFromJposPackager(fixture(name));
    expect(imported.fields[55]).toMatchObject({ type: type55, length: length55 });
    expect(imported.fields[65]).toMatchObject({ type: 'binary', length: 1, encoding: bytes });
    expect(imported.fields[93]).toMatchObject({ type: 'string', length: 6 });
    expect(imported.fields[96]).toMatchObject({ type: 'binary', length: 16, encoding: bytes });
  });

  it('marks card data like the built-in specs, takes field names as descriptions, and gets the standard echo sets', () => {
    const imported = specFromJposPackager(fixture('iso87binary'), { name: 'Acme ISO87B' });
    expect(imported.name).toBe('Acme ISO87B');
    for (const n of [2, 14, 35, 45, 52, 55, 64, 128]) {
      expect(imported.fields[n]!.sensitive).toBe(spec87binary.fields[n]!.sensitive);
    }
    expect(imported.fields[2]!.description).toBe('Primary Account Number (PAN)');
    expect(imported.echo).toEqual(STANDARD_ECHO);
    const request = new Message(imported, {
      mti: '0420',
      fields: { 2: '4111111111111111', 11: 1, 35: '4111=28', 90: 0 },
    });
    expect(request.toResponse({ 39: '00' }).fieldNumbers()).toEqual([2, 11, 39, 90]);
  });
});

describe('docs/migrating-from-jpos.md', () => {
  it('imports a packager file in three lines and packs with it', () => {
    const path = `${__dirname}/fixtures/jpos/iso87binary.xml`;
    const host = specFromJposPackager(readFileSync(path, 'utf8'), { name: 'Acme host' });
    const bytes = new Message(host, { mti: '0800', fields: { 11: 1, 70: 301 } }).pack();
    expect(toHex(bytes)).toBe('0800' + '8020000000000000' + '0400000000000000' + '000001' + '0301');
  });
});

describe('specFromJposPackager: what it refuses', () => {
  const field = (attributes: string) => packager(`  <isofield id="2" length="19" name="PAN" ${attributes}/>`);

  it.each([
    [field('class="org.jpos.iso.IFX_LLNUM"'), 5, "field 2: unknown field class 'org.jpos.iso.IFX_LLNUM'"],
    [field('class="com.acme.IFA_LLNUM"'), 5, "field 2: unknown field class 'com.acme.IFA_LLNUM'"],
    [field('class="org.jpos.iso.IFX_LLCHAR"'), 5, "field 2: unknown field class 'org.jpos.iso.IFX_LLCHAR'"],
    [field('class="org.jpos.iso.IFMC_LLCHAR"'), 5, "Mastercard's tagged DE 48 subfield packager"],
    [
      field('class="org.jpos.iso.IFEB_LLNUM"'),
      5,
      "class 'org.jpos.iso.IFEB_LLNUM' is not supported: its EBCDIC length",
    ],
    [field('class="org.jpos.iso.IFB_FLLNUM"'), 5, 'trailing F nibble'],
    [field('class="org.jpos.iso.IFA_LLBNUM"'), 5, 'rounded up to even'],
    [field('class="org.jpos.iso.IFB_LLHEX"'), 5, 'counts hex nibbles'],
    [field('class="org.jpos.iso.IFA_FLLCHAR"'), 5, 'pads the value to the full length'],
    [field('class="org.jpos.iso.IFB_LLHFBINARY"'), 5, 'pads the bytes to the full length'],
    [field('class="org.jpos.iso.IFE_SIGNED_NUMERIC"'), 5, 'zoned decimal'],
    [field('class="org.jpos.iso.IFA_TTLLCHAR"'), 5, 'GenericTaggedFieldsPackager'],
    [field('class="org.jpos.iso.IFB_HEX"'), 5, 'IFB_HEX length 19: 19 hex digits leave a pad nibble'],
    [field('class="org.jpos.iso.IFA_LLNUM" token="x"'), 5, "<isofield>: attribute 'token' is not supported"],
    [field('class="org.jpos.iso.IFA_LLNUM" pad="yes"'), 5, 'pad="yes" must be true or false'],
    [field('class="org.jpos.iso.IFA_LLCHAR" length2="1"'), 5, "attribute 'length2' is not supported"],
    [
      packager('  <isofieldvalidator id="2" class="org.jpos.iso.validator.IVA_ALPHANUM"/>'),
      5,
      'validator <isofieldvalidator class="org.jpos.iso.validator.IVA_ALPHANUM"> is not supported',
    ],
    [packager('  <isovalidator class="org.jpos.iso.validator.MSGTEST"/>'), 5, 'validator <isovalidator'],
    [packager('  <isofield id="4" length="120" name="X" class="org.jpos.iso.IFA_LLCHAR"/>'), 5, 'at most 99'],
    [
      packager(
        '  <isofield id="3" length="6" name="A" class="IFA_NUMERIC"/>\n  <isofield id="3" length="6" name="B" class="IFA_NUMERIC"/>',
      ),
      6,
      'field 3 is declared twice',
    ],
    [
      packager('  <isofield id="3" length="16" name="B" class="IFB_BITMAP"/>'),
      5,
      'field 3: only field 1 can be a bitmap',
    ],
    [packager('  <other/>'), 5, 'unexpected element <other>'],
  ])('%#: refuses by line and name', (xml, line, message) => {
    const error = thrown(() => specFromJposPackager(xml));
    expect(error).toBeInstanceOf(JposPackagerError);
    expect((error as JposPackagerError).line).toBe(line);
    expect(error.message).toContain(`line ${line}: `);
    expect(error.message).toContain(message);
  });

  it.each([
    ['24', 'IFB_BITMAP length 24: a 24-byte bitmap holds a third bitmap (fields 129-192)'],
    ['12', 'IFB_BITMAP length 12: a bitmap is 8 bytes (primary) or 16 (primary and secondary), not 12'],
  ])('refuses a bitmap of %s bytes by line', (length, message) => {
    const error = thrown(() => specFromJposPackager(packager('').replace('length="16"', `length="${length}"`)));
    expect(error).toMatchObject({ name: 'JposPackagerError', line: 4 });
    expect(error.message).toContain(`field 1: org.jpos.iso.${message}`);
  });

  it.each([
    [' emitBitmap="false"', 'rx8583 messages always carry a bitmap'],
    [' thirdBitmapField="65"', 'fields 129-192'],
    [' bitmapField="2"', 'bitmapField must be 1'],
    [' firstField="3"', 'firstField must be 2'],
    [' maxValidField="192"', 'maxValidField 192'],
    [' tagMapper="x"', "attribute 'tagMapper' is not supported"],
  ])('refuses packager attribute%s', (attributes, message) => {
    const error = thrown(() => specFromJposPackager(packager('', attributes)));
    expect(error).toMatchObject({ name: 'JposPackagerError', line: 2 });
    expect(error.message).toContain(message);
  });

  it('ignores fields above maxValidField, as jPOS never packs them', () => {
    const xml = packager('  <isofield id="70" length="3" name="NMIC" class="IFA_NUMERIC"/>', ' maxValidField="64"');
    expect(specFromJposPackager(xml).fields[70]).toBeUndefined();
  });

  it('refuses nested packagers it cannot carry: a bitmap that is not subfield 1, another class, a numeric frame', () => {
    const nested = (attributes: string, className = 'org.jpos.iso.IFA_LLLCHAR') =>
      packager(
        `  <isofieldpackager id="48" length="999" name="AD" class="${className}" ${attributes}>\n` +
          '    <isofield id="1" length="2" name="K" class="IF_CHAR"/>\n' +
          '  </isofieldpackager>',
      );
    const generic = 'packager="org.jpos.iso.packager.GenericSubFieldPackager"';
    expect(thrown(() => specFromJposPackager(nested(generic))).message).toContain(
      'line 6: field 48.1: subfield 1 of a packager with a bitmap must be a bitmap class',
    );
    expect(
      thrown(() => specFromJposPackager(nested('packager="org.jpos.iso.packager.GenericTaggedFieldsPackager"')))
        .message,
    ).toContain("nested packager 'org.jpos.iso.packager.GenericTaggedFieldsPackager' is not supported");
    expect(
      thrown(() => specFromJposPackager(nested(`${generic} emitBitmap="false"`, 'IFA_NUMERIC'))).message,
    ).toContain('IFA_NUMERIC cannot hold subfields');
    expect(
      thrown(() => specFromJposPackager(nested(`${generic} emitBitmap="false" firstField="0"`))).message,
    ).toContain('rx8583 numbers subfields from 1');
  });

  it('refuses a non-zero headerLength in specFromJposPackager; readJposPackager returns it with the spec', () => {
    const xml = packager('', ' headerLength="5"');
    expect(thrown(() => specFromJposPackager(xml)).message).toContain('headerLength="5"');
    const { spec, headerLength } = readJposPackager(xml);
    expect(headerLength).toBe(5);
    expect(spec.fields[0]).toMatchObject({ type: 'numeric', length: 4 });
  });

  it('refuses malformed XML with its line, and a root other than isopackager', () => {
    const error = thrown(() => specFromJposPackager('<isopackager>\n  <isofield id="0">\n</isopackager>'));
    expect(error).toMatchObject({ name: 'JposPackagerError', line: 3 });
    expect(error.message).toContain('not well-formed XML');
    expect(thrown(() => specFromJposPackager('<packager/>')).message).toBe(
      'line 1: the root element must be <isopackager>, not <packager>',
    );
  });

  it('refuses unknown options', () => {
    expect(thrown(() => specFromJposPackager(packager(''), { nme: 'x' } as never)).message).toContain(
      "unknown option 'nme'",
    );
  });
});

describe('specFromJposPackager: XML safety', () => {
  it.each([
    ['<!ENTITY xxe SYSTEM "file:///etc/passwd">', "an external entity ('xxe')"],
    ['<!ENTITY xxe PUBLIC "-//x//EN" "http://127.0.0.1:9/x.dtd">', "an external entity ('xxe')"],
    ['<!ENTITY % dtd SYSTEM "http://127.0.0.1:9/evil.dtd"> %dtd;', "a parameter entity ('dtd')"],
    ['<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">', "an entity ('lol')"],
  ])('refuses a document declaring %s', (declaration, kind) => {
    const xml = packager('  <isofield id="2" length="19" name="&xxe;" class="IFA_LLNUM"/>').replace(
      '<isopackager>',
      `<!DOCTYPE isopackager [\n  ${declaration}\n]>\n<isopackager>`,
    );
    const error = thrown(() => specFromJposPackager(xml));
    expect(error).toMatchObject({ name: 'JposPackagerError', line: 3 });
    expect(error.message).toContain(`declares ${kind}`);
  });

  it('refers to no entity but XML own five and character references', () => {
    const named = packager('  <isofield id="2" length="19" name="PAN &amp; co &#65;&#x42;" class="IFA_LLNUM"/>');
    expect(specFromJposPackager(named).fields[2]!.description).toBe('PAN & co AB');
    const undeclared = packager('  <isofield id="2" length="19" name="&secret;" class="IFA_LLNUM"/>');
    expect(thrown(() => specFromJposPackager(undeclared)).message).toContain(
      "line 5: attribute 'name' refers to the undeclared entity '&secret;'",
    );
  });

  it("reads a document naming jPOS's DTD by URL without reading the DTD", () => {
    // The fixtures carry jPOS's DOCTYPE line; importing them works offline.
    expect(fixture('iso87ascii')).toContain('http://jpos.org/dtd/generic-packager-1.0.dtd');
    expect(specFromJposPackager(fixture('iso87ascii')).fields[0]).toMatchObject({ type: 'numeric' });
  });
});
