import { Message, unpack, type TlvElement } from '@rx8583/iso8583';
import { headerFor, hex, specWith, thrown, toHex } from './support/specs';

describe('BER-TLV composites (EMV field 55)', () => {
  const spec = specWith({
    55: {
      type: 'composite',
      layout: 'ber-tlv',
      length: 999,
      prefix: { digits: 3, encoding: 'ascii' },
      subfields: {
        '9F02': { type: 'numeric', length: 12, encoding: 'bcd' },
        '5F2A': { type: 'binary', length: 2, encoding: 'binary' },
        '9F1F': { type: 'string', length: 255, encoding: 'ascii' },
        '70': { type: 'composite', layout: 'ber-tlv', length: 255 },
      },
    },
  });

  it('writes multi-byte tags and short lengths; numerics in BCD', () => {
    const bytes = new Message(spec, {
      mti: '0100',
      fields: {
        55: [
          { tag: '9F02', value: 1500 },
          { tag: '5F2A', value: '0978' },
        ],
      },
    }).pack();
    expect(toHex(bytes.subarray(15))).toBe('9F0206000000001500' + '5F2A020978');
    expect(unpack(spec, bytes).get(55)).toEqual([
      { tag: '9F02', value: '000000001500' },
      { tag: '5F2A', value: Uint8Array.of(0x09, 0x78) },
    ]);
  });

  // One long string element, for the long-form length tests.
  const big = specWith({
    55: {
      type: 'composite',
      layout: 'ber-tlv',
      length: 999,
      prefix: { digits: 3, encoding: 'ascii' },
      subfields: { '9F1F': { type: 'string', length: 999, encoding: 'ascii' } },
    },
  });

  it('uses long-form lengths from 128 bytes: 0x81 xx, then 0x82 xx xx', () => {
    for (const [size, lengthHex] of [
      [127, '7F'],
      [128, '8180'],
      [255, '81FF'],
      [256, '820100'],
    ] as const) {
      const value = 'x'.repeat(size);
      const bytes = new Message(big, { mti: '0100', fields: { 55: [{ tag: '9F1F', value }] } }).pack();
      expect(toHex(bytes.subarray(15, 17 + lengthHex.length / 2))).toBe('9F1F' + lengthHex);
      expect(unpack(big, bytes).get(55)).toEqual([{ tag: '9F1F', value }]);
    }
  });

  it('reads long-form lengths of up to 4 bytes (0x84 xx xx xx xx)', () => {
    for (const lengthHex of ['8400000005', '83000005', '820005', '8105']) {
      const tlv = Buffer.concat([hex('9F1F' + lengthHex), Buffer.from('hello')]);
      const wire = Buffer.concat([hex(headerFor(55)), Buffer.from(String(tlv.length).padStart(3, '0')), tlv]);
      expect(unpack(big, wire).get(55)).toEqual([{ tag: '9F1F', value: 'hello' }]);
    }
    const tooLong = Buffer.concat([hex('9F1F' + '84000003E8'), Buffer.from('x'.repeat(20))]);
    const wire = Buffer.concat([hex(headerFor(55)), Buffer.from(String(tooLong.length).padStart(3, '0')), tooLong]);
    expect(thrown(() => unpack(big, wire))).toMatchObject({ name: 'UnpackError', field: '55.9F1F' });
  });

  it('keeps unknown tags (3-byte tags included) as bytes and re-packs them exactly', () => {
    const tlv = '9F02060000000015009F810203AABBCC' + 'DF01810101';
    const wire = Buffer.concat([hex(headerFor(55)), Buffer.from(String(tlv.length / 2).padStart(3, '0')), hex(tlv)]);
    const message = unpack(spec, wire);
    expect(message.get(55)).toEqual([
      { tag: '9F02', value: '000000001500' },
      { tag: '9F8102', value: Uint8Array.of(0xaa, 0xbb, 0xcc) },
      { tag: 'DF01', value: Uint8Array.of(1) },
    ]);
    // Forwarded, the long-form length of DF01 (81 01) stays as it came; set again, it is written in the shortest form.
    expect(toHex(message.pack().subarray(15))).toBe(tlv);
    message.set(55, message.get(55)!);
    expect(toHex(message.pack().subarray(15))).toBe('9F02060000000015009F810203AABBCC' + 'DF010101');
  });

  it('keeps repeated tags, in order (the data-loss bug of moov-io/iso8583#385)', () => {
    const elements = [
      { tag: '5F2A', value: Uint8Array.of(9, 0x78) },
      { tag: '9F02', value: '000000000001' },
      { tag: '5F2A', value: Uint8Array.of(8, 0x40) },
    ];
    const bytes = new Message(spec, { mti: '0100', fields: { 55: elements } }).pack();
    expect(unpack(spec, bytes).get(55)).toEqual(elements);
  });

  it('parses nested templates when the spec declares them as composites', () => {
    const elements = [{ tag: '70', value: [{ tag: '9F02', value: Uint8Array.of(1) }] }];
    const bytes = new Message(spec, { mti: '0100', fields: { 55: elements } }).pack();
    expect(toHex(bytes.subarray(15))).toBe('70049F020101');
    expect(unpack(spec, bytes).get(55)).toEqual(elements);
  });

  it('normalises tags to upper case and refuses malformed ones', () => {
    expect(new Message(spec).set(55, { '9f02': 1 }).get(55)).toEqual([{ tag: '9F02', value: '000000000001' }]);
    expect(thrown(() => new Message(spec).set(55, { '9F': Uint8Array.of(1) }))).toMatchObject({
      name: 'PackError',
      field: 55,
    });
    expect(thrown(() => new Message(spec).set(55, { ZZ: Uint8Array.of(1) }))).toMatchObject({
      name: 'PackError',
      field: 55,
    });
  });

  it.each([
    ['a tag cut short', '9F', { field: 55, offset: 15, problem: 'BER-TLV tag is truncated or longer than 4 bytes' }],
    ['a missing length', '9F02', { field: '55.9F02', offset: 15, problem: 'BER-TLV length is missing' }],
    [
      'a truncated long-form length',
      '9F0282',
      { field: '55.9F02', offset: 15, problem: 'BER-TLV length is truncated' },
    ],
    [
      'an indefinite length',
      '9F0280',
      { field: '55.9F02', offset: 15, problem: 'BER-TLV indefinite length is not allowed' },
    ],
    [
      'a 5-byte length',
      '9F02850000000001',
      { field: '55.9F02', offset: 15, problem: 'BER-TLV length of 5 bytes is not supported' },
    ],
    ['a value past the end', '5F2A0309', { field: '55.5F2A', offset: 18, problem: 'value needs 3 bytes, 1 left' }],
    [
      'a value longer than its subfield allows',
      '9F020700000000150000',
      { field: '55.9F02', offset: 18, problem: 'length 14 exceeds the maximum 12' },
    ],
  ])('refuses %s', (_, tlv, expected) => {
    const wire = Buffer.concat([hex(headerFor(55)), Buffer.from(String(tlv.length / 2).padStart(3, '0')), hex(tlv)]);
    expect(thrown(() => unpack(spec, wire))).toMatchObject({ name: 'UnpackError', ...expected });
  });

  it('refuses values of unknown tags that are not bytes', () => {
    const message = new Message(spec, { mti: '0100' });
    message.set(55, [{ tag: 'DF01', value: Uint8Array.of(1) }]);
    (message.get(55) as TlvElement[])[0]!.value = 'text';
    expect(thrown(() => message.pack())).toMatchObject({ name: 'PackError', field: '55.DF01' });
  });
});
