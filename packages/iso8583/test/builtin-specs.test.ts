import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Message, spec87ascii, spec87binary, specFromJSON, unpack } from '@rx8583/iso8583';
import { toHex } from './support/specs';

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

describe('built-in specs', () => {
  const specsDir = join(__dirname, '..', 'src', 'specs');

  it.each([
    ['spec87ascii.json', spec87ascii],
    ['spec87binary.json', spec87binary],
  ])('%s is the same spec as the TypeScript export', (file, spec) => {
    const text = readFileSync(join(specsDir, file), 'utf8');
    expect(specFromJSON(text)).toEqual(spec);
  });

  it.each([spec87ascii, spec87binary])('$name defines fields 0..128 and marks card data sensitive', (spec) => {
    const fields = spec.fields as Record<string, { sensitive?: string; type: string; layout?: string }>;
    expect(Object.keys(fields).map(Number)).toEqual(Array.from({ length: 129 }, (_, i) => i));
    expect(fields['2']!.sensitive).toBe('pan');
    expect(fields['35']!.sensitive).toBe('track');
    expect(fields['52']!.sensitive).toBe('pin');
    for (const n of [14, 34, 36, 45, 53, 55, 64, 96, 128]) expect(fields[String(n)]!.sensitive).toBeDefined();
    expect(fields['55']).toMatchObject({ type: 'composite', layout: 'ber-tlv' });
  });

  it('spec87binary packs like jPOS ISO87B: BCD MTI, binary bitmap, BCD numerics and LL prefixes, ASCII text', () => {
    const bytes = new Message(spec87binary, {
      mti: '0200',
      fields: { 2: '4111111111111', 3: '000000', 41: 'T1' },
    }).pack();
    expect(Buffer.from(bytes).toString('hex').toUpperCase()).toBe(
      '0200' +
        '6000000000800000' +
        '13' +
        '41111111111110' +
        '000000' +
        Buffer.from('T1      ').toString('hex').toUpperCase(),
    );
    expect(unpack(spec87binary, bytes).get(2)).toBe('4111111111111');
  });

  it('spec87ascii writes the PIN block as hex characters and field 55 as raw BER-TLV bytes', () => {
    const bytes = new Message(spec87ascii, {
      mti: '0100',
      fields: { 52: '0123456789ABCDEF', 55: [{ tag: '9F02', value: '000000001500' }] },
    }).pack();
    expect(bytes.subarray(20, 36).toString()).toBe('0123456789ABCDEF');
    expect(bytes.subarray(36, 39).toString()).toBe('009');
    expect(Buffer.from(bytes.subarray(39)).toString('hex').toUpperCase()).toBe('9F0206000000001500');
  });
});
