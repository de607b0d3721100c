import { Message, PackError, UnpackError, unpack } from '@rx8583/iso8583';
import { headerFor, hex, specWith, thrown, toHex } from './support/specs';

// Each text encoding is checked on the wire: the exact bytes one value packs to, and back.
describe('text codecs: ascii and ebcdic', () => {
  it('ascii text: characters 0x00-0x7F, one byte each', () => {
    const spec = specWith({ 2: { type: 'string', length: 5, encoding: 'ascii' } });
    const bytes = new Message(spec, { mti: '0100', fields: { 2: 'Ab 1~' } }).pack();
    expect(toHex(bytes)).toBe(headerFor(2).toUpperCase() + '416220317E');
    expect(unpack(spec, bytes).get(2)).toBe('Ab 1~');
  });

  it('ascii text refuses characters above 0x7F when packing and bytes above 0x7F when unpacking', () => {
    const spec = specWith({ 2: { type: 'string', length: 2, encoding: 'ascii' } });
    const packError = thrown(() => new Message(spec, { mti: '0100', fields: { 2: 'é1' } }).pack());
    expect(packError).toBeInstanceOf(PackError);
    expect((packError as PackError).field).toBe(2);
    const unpackError = thrown(() => unpack(spec, hex(headerFor(2) + '41E9')));
    expect(unpackError).toBeInstanceOf(UnpackError);
    expect(unpackError).toMatchObject({ field: 2, offset: 12 });
  });

  it('ascii numeric: digits only, both ways', () => {
    const spec = specWith({ 3: { type: 'numeric', length: 6, encoding: 'ascii' } });
    expect(toHex(new Message(spec, { mti: '0100', fields: { 3: '012345' } }).pack()).endsWith('303132333435')).toBe(
      true,
    );
    expect(thrown(() => new Message(spec, { mti: '0100', fields: { 3: '01234A' } }).pack())).toMatchObject({
      name: 'PackError',
      field: 3,
    });
    expect(thrown(() => unpack(spec, hex(headerFor(3) + '303132333420')))).toMatchObject({
      name: 'UnpackError',
      field: 3,
      offset: 12,
    });
  });

  it('ebcdic text round-trips through code page 037, including latin1 characters', () => {
    const spec = specWith({ 2: { type: 'string', length: 8, encoding: 'ebcdic' } });
    const bytes = new Message(spec, { mti: '0100', fields: { 2: 'Az09 .é£' } }).pack();
    // A=C1 z=A9 0=F0 9=F9 space=40 .=4B é=51 £=B1 in IBM037.
    expect(toHex(bytes.subarray(12))).toBe('C1A9F0F9404B51B1');
    expect(unpack(spec, bytes).get(2)).toBe('Az09 .é£');
  });

  it('every one of the 256 EBCDIC bytes decodes and re-encodes to itself', () => {
    const spec = specWith({ 2: { type: 'string', length: 256, encoding: 'ebcdic' } });
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const message = unpack(spec, Buffer.concat([hex(headerFor(2)), all]));
    expect(toHex(message.pack().subarray(12))).toBe(toHex(all));
  });

  it('ebcdic numeric: digits F0-F9, anything else refused', () => {
    const spec = specWith({ 3: { type: 'numeric', length: 3, encoding: 'ebcdic' } });
    const bytes = new Message(spec, { mti: '0100', fields: { 3: '907' } }).pack();
    expect(toHex(bytes.subarray(12))).toBe('F9F0F7');
    expect(unpack(spec, bytes).get(3)).toBe('907');
    expect(thrown(() => unpack(spec, hex(headerFor(3) + 'F9C1F7')))).toMatchObject({
      name: 'UnpackError',
      field: 3,
      offset: 12,
    });
  });
});
