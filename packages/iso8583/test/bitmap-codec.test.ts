import { Message, unpack, defineSpec } from '@rx8583/iso8583';
import { hex, specWith, thrown, toHex } from './support/specs';

const field = { type: 'numeric', length: 2, encoding: 'ascii' } as const;

describe('bitmaps', () => {
  const binary = specWith({ 2: field, 64: field, 65: field, 128: field });
  const hexSpec = specWith(
    { 2: field, 64: field, 65: field, 128: field },
    { type: 'bitmap', length: 8, encoding: 'hex' },
  );

  it('binary primary bitmap: 8 bytes, bit 1 clear when no field above 64', () => {
    const bytes = new Message(binary, { mti: '0100', fields: { 2: '11', 64: '22' } }).pack();
    expect(toHex(bytes)).toBe('30313030' + '4000000000000001' + '31313232');
    expect(unpack(binary, bytes).fieldNumbers()).toEqual([2, 64]);
  });

  it('binary secondary bitmap: bit 1 set and 8 more bytes when a field above 64 is present', () => {
    const bytes = new Message(binary, { mti: '0100', fields: { 2: '11', 65: '33', 128: '44' } }).pack();
    expect(toHex(bytes)).toBe('30313030' + 'C000000000000000' + '8000000000000001' + '313133333434');
    const back = unpack(binary, bytes);
    expect(back.fieldNumbers()).toEqual([2, 65, 128]);
    expect(back.get(128)).toBe('44');
  });

  it('hex bitmaps: 16 upper-case hex characters a block, either case read', () => {
    const bytes = new Message(hexSpec, { mti: '0100', fields: { 2: '11', 128: '44' } }).pack();
    expect(bytes.toString()).toBe('0100' + 'C000000000000000' + '0000000000000001' + '1144');
    expect(unpack(hexSpec, Buffer.from('0100c0000000000000000000000000000001' + '1144')).fieldNumbers()).toEqual([
      2, 128,
    ]);
  });

  it('a fixed two-block bitmap (moov-io Spec87ASCII) always writes 32 hex characters with bit 1 clear', () => {
    const spec = specWith({ 2: field, 128: field }, { type: 'bitmap', length: 8, encoding: 'hex', blocks: 2 });
    const small = new Message(spec, { mti: '0100', fields: { 2: '11' } }).pack();
    expect(small.toString()).toBe('0100' + '4000000000000000' + '0000000000000000' + '11');
    const large = new Message(spec, { mti: '0100', fields: { 2: '11', 128: '44' } }).pack();
    expect(large.toString()).toBe('0100' + '4000000000000000' + '0000000000000001' + '1144');
    expect(unpack(spec, small).fieldNumbers()).toEqual([2]);
    expect(unpack(spec, large).fieldNumbers()).toEqual([2, 128]);
  });

  it('a fixed one-block bitmap refuses specs with fields above 64', () => {
    expect(() =>
      specWith({ 2: field, 70: field }, { type: 'bitmap', length: 8, encoding: 'binary', blocks: 1 }),
    ).toThrow('field 1 (bitmap): a one-block bitmap cannot announce field 70');
    const spec = specWith({ 2: field }, { type: 'bitmap', length: 8, encoding: 'binary', blocks: 1 });
    expect(toHex(new Message(spec, { mti: '0100', fields: { 2: '11' } }).pack())).toBe(
      '30313030' + '4000000000000000' + '3131',
    );
  });

  it('a fixed one-block bitmap refuses bit 1 on the wire (no secondary bitmap can follow)', () => {
    const spec = specWith({ 2: field }, { type: 'bitmap', length: 8, encoding: 'binary', blocks: 1 });
    const error = thrown(() => unpack(spec, hex('30313030 C000000000000000 3131')));
    expect(error).toMatchObject({ name: 'UnpackError', field: 1, offset: 4 });
    expect(error.message).toBe(
      'field 1 (bitmap) at offset 4: bit 1 announces a secondary bitmap, but the spec fixes one block',
    );
    expect(unpack(spec, hex('30313030 4000000000000000 3131')).get(2)).toBe('11');
  });

  it('a message with no data fields has an all-zero bitmap', () => {
    expect(toHex(new Message(binary, { mti: '0800' }).pack())).toBe('303830300000000000000000');
  });

  it('refuses bits naming fields the spec does not define, blaming the bitmap', () => {
    const error = thrown(() => unpack(binary, hex('30313030 2000000000000000 3131')));
    expect(error).toMatchObject({ name: 'UnpackError', field: 1, offset: 4 });
    expect(error.message).toBe('field 1 (bitmap) at offset 4: bit 3 is set but the spec does not define field 3');
  });

  it('refuses a truncated primary or secondary bitmap', () => {
    expect(thrown(() => unpack(binary, hex('30313030 40000000')))).toMatchObject({
      field: 1,
      offset: 4,
      problem: 'primary bitmap needs 8 bytes, 4 left',
    });
    expect(thrown(() => unpack(binary, hex('30313030 C000000000000000 80')))).toMatchObject({
      field: 1,
      offset: 12,
      problem: 'secondary bitmap needs 8 bytes, 1 left',
    });
  });

  it('refuses non-hex characters in a hex bitmap', () => {
    const error = thrown(() => unpack(hexSpec, Buffer.from('0100400000000000000X11')));
    expect(error).toMatchObject({
      name: 'UnpackError',
      field: 1,
      offset: 4,
      problem: 'non-hex character at offset 19',
    });
  });

  it('a message with bytes after the bitmap but no fields blames the bitmap for the trailing bytes', () => {
    expect(thrown(() => unpack(binary, hex('30313030 0000000000000000 31')))).toMatchObject({
      field: 1,
      offset: 12,
      problem: '1 byte left after the last field',
    });
  });

  it('validates bitmap specs', () => {
    expect(() =>
      defineSpec({ name: 'x', fields: { 0: field, 1: { type: 'bitmap', length: 16, encoding: 'hex' } } }),
    ).toThrow('field 1 (bitmap): length must be 8..8, got 16');
    expect(() =>
      defineSpec({ name: 'x', fields: { 0: field, 1: { type: 'bitmap', length: 8, encoding: 'hex', blocks: 3 } } }),
    ).toThrow('field 1 (bitmap): blocks must be 1..2, got 3');
  });
});
