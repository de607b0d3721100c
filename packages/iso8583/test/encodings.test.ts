import { Message, PackError, UnpackError, unpack } from '@rx8583/iso8583';
import { headerFor, hex, specWith, thrown, toHex } from './support/specs';

// Each encoding is checked on the wire: the exact bytes one value packs to, and back.
describe('value encodings', () => {
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
