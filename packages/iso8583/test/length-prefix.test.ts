import { Message, unpack, type Encoding } from '@rx8583/iso8583';
import { headerFor, hex, specWith, thrown, toHex } from './support/specs';

function prefixed(digits: number, encoding: Encoding, length = 99) {
  return specWith({ 2: { type: 'string', length, encoding: 'ascii', prefix: { digits, encoding } } });
}

describe('length prefixes', () => {
  // Each case: the prefix of a 12-character value, as bytes.
  const cases: Array<[number, Encoding, string]> = [
    [2, 'ascii', '3132'],
    [3, 'ascii', '303132'],
    [6, 'ascii', '303030303132'],
    [2, 'ebcdic', 'F1F2'],
    [3, 'ebcdic', 'F0F1F2'],
    [2, 'bcd', '12'],
    [3, 'bcd', '0012'],
    [4, 'bcd', '0012'],
    [1, 'binary', '0C'],
    [2, 'binary', '000C'],
    [4, 'binary', '0000000C'],
    [2, 'hex', '3043'],
    [3, 'hex', '303043'],
  ];

  it.each(cases)(
    '%i-digit %s prefix writes the value length as %s and reads it back',
    (digits, encoding, prefixHex) => {
      const spec = prefixed(digits, encoding);
      const bytes = new Message(spec, { mti: '0100', fields: { 2: 'HELLO, WORLD' } }).pack();
      expect(toHex(bytes.subarray(12))).toBe(prefixHex + toHex(Buffer.from('HELLO, WORLD')));
      expect(unpack(spec, bytes).get(2)).toBe('HELLO, WORLD');
    },
  );

  it('a 1-digit ascii prefix (L) carries up to 9', () => {
    const spec = prefixed(1, 'ascii', 9);
    const bytes = new Message(spec, { mti: '0100', fields: { 2: 'ABCDEFGHI' } }).pack();
    expect(bytes.subarray(12).toString()).toBe('9ABCDEFGHI');
  });

  it('counts digits, not bytes, for BCD values', () => {
    const spec = specWith({
      2: { type: 'numeric', length: 19, encoding: 'bcd', prefix: { digits: 2, encoding: 'bcd' } },
    });
    const bytes = new Message(spec, { mti: '0100', fields: { 2: '4111111111111111111' } }).pack();
    expect(toHex(bytes.subarray(12))).toBe('1904111111111111111111');
    expect(unpack(spec, bytes).get(2)).toBe('4111111111111111111');
  });

  it('counts bytes, not characters, for hex-encoded binary values', () => {
    const spec = specWith({
      2: { type: 'binary', length: 8, encoding: 'hex', prefix: { digits: 2, encoding: 'ascii' } },
    });
    const bytes = new Message(spec, { mti: '0100', fields: { 2: Uint8Array.of(1, 2, 3) } }).pack();
    expect(bytes.subarray(12).toString()).toBe('03010203');
  });

  it('an empty value of a variable field is present and packs as length 0', () => {
    const spec = prefixed(2, 'ascii');
    const message = new Message(spec, { mti: '0100', fields: { 2: '' } });
    expect(message.has(2)).toBe(true);
    const bytes = message.pack();
    expect(bytes.subarray(12).toString()).toBe('00');
    expect(unpack(spec, bytes).get(2)).toBe('');
  });

  it('refuses values longer than the maximum when packing', () => {
    const error = thrown(() => new Message(prefixed(2, 'ascii', 5), { mti: '0100', fields: { 2: 'ABCDEF' } }).pack());
    expect(error).toMatchObject({ name: 'PackError', field: 2 });
    expect(error.message).toBe('field 2: length 6 but the field takes at most 5');
  });

  it('refuses a length over the maximum when unpacking, before reading the data', () => {
    const error = thrown(() =>
      unpack(prefixed(2, 'ascii', 5), Buffer.concat([hex(headerFor(2)), Buffer.from('06ABCDEF')])),
    );
    expect(error).toMatchObject({ name: 'UnpackError', field: 2, offset: 12 });
    expect(error.message).toBe('field 2 at offset 12: length 6 exceeds the maximum 5');
  });

  it.each<[Encoding, string, string]>([
    ['ascii', '3A31', 'length prefix is not numeric'],
    ['ebcdic', 'F1C1', 'length prefix is not numeric'],
    ['bcd', '1A', 'length prefix is not valid BCD'],
    ['hex', '3047', 'length prefix is not hex'],
  ])('refuses a bad %s prefix', (encoding, prefixHex, problem) => {
    const error = thrown(() => unpack(prefixed(2, encoding), hex(headerFor(2) + prefixHex + '41')));
    expect(error).toMatchObject({ name: 'UnpackError', field: 2, offset: 12, problem });
  });

  it('refuses a truncated prefix, pointing at the field', () => {
    const error = thrown(() => unpack(prefixed(3, 'ascii'), hex(headerFor(2) + '3030')));
    expect(error).toMatchObject({ name: 'UnpackError', field: 2, offset: 12 });
    expect(error.message).toBe('field 2 at offset 12: 3-digit ascii length prefix needs 3 bytes, 2 left');
  });

  it('refuses data shorter than its length, pointing at the data', () => {
    const error = thrown(() => unpack(prefixed(2, 'ascii'), hex(headerFor(2) + '3035414243')));
    expect(error).toMatchObject({ name: 'UnpackError', field: 2, offset: 14, problem: 'data needs 5 bytes, 3 left' });
  });

  it('reads a 6-byte binary prefix', () => {
    const spec = specWith({
      2: { type: 'binary', length: 300, encoding: 'binary', prefix: { digits: 6, encoding: 'binary' } },
    });
    const value = new Uint8Array(300).fill(7);
    const bytes = new Message(spec, { mti: '0100', fields: { 2: value } }).pack();
    expect(toHex(bytes.subarray(12, 18))).toBe('00000000012C');
    expect(unpack(spec, bytes).get(2)).toEqual(value);
  });
});
