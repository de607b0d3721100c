import { Message, unpack } from '@rx8583/iso8583';
import { headerFor, hex, specWith, thrown, toHex } from './support/specs';

describe('binary codecs: raw bytes and hex', () => {
  it('binary: raw bytes, decoded into an independent copy of the input', () => {
    const spec = specWith({ 52: { type: 'binary', length: 4, encoding: 'binary' } });
    const bytes = new Message(spec, { mti: '0100', fields: { 52: Uint8Array.of(0, 0xff, 0x80, 1) } }).pack();
    expect(toHex(bytes.subarray(12))).toBe('00FF8001');
    const value = unpack(spec, bytes).get(52) as Uint8Array;
    expect(value).toEqual(Uint8Array.of(0, 0xff, 0x80, 1));
    bytes[12] = 0x55;
    expect(value[0]).toBe(0);
  });

  it('hex: bytes as upper-case hex characters; either case accepted, other characters refused', () => {
    const spec = specWith({ 52: { type: 'binary', length: 2, encoding: 'hex' } });
    const bytes = new Message(spec, { mti: '0100', fields: { 52: Uint8Array.of(0xab, 0x0c) } }).pack();
    expect(bytes.subarray(12).toString()).toBe('AB0C');
    expect(unpack(spec, Buffer.concat([hex(headerFor(52)), Buffer.from('ab0C')])).get(52)).toEqual(
      Uint8Array.of(0xab, 0x0c),
    );
    const error = thrown(() => unpack(spec, Buffer.concat([hex(headerFor(52)), Buffer.from('AB0G')])));
    expect(error).toMatchObject({ name: 'UnpackError', field: 52, offset: 12 });
    expect(error.message).toContain('non-hex character at offset 15');
  });

  it('a binary field also takes a hex string in set', () => {
    const spec = specWith({ 52: { type: 'binary', length: 2, encoding: 'binary' } });
    expect(new Message(spec).set(52, 'abCD').get(52)).toEqual(Uint8Array.of(0xab, 0xcd));
    expect(thrown(() => new Message(spec).set(52, 'abc'))).toMatchObject({ name: 'PackError', field: 52 });
  });
});
