import { framing, type Framing } from '@rx8583/connection';
import { FramingError } from '../src/errors';

const body = (length: number, fill = 0x41) => new Uint8Array(length).fill(fill);
const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

describe('framing presets write the length each network expects', () => {
  it.each<[string, Framing, Uint8Array]>([
    ['binary2', framing.binary2(), bytes(0x01, 0x2c)],
    ['binary2 includesHeader', framing.binary2({ includesHeader: true }), bytes(0x01, 0x2e)],
    ['ascii4', framing.ascii4(), ascii('0300')],
    ['ascii4 includesHeader', framing.ascii4({ includesHeader: true }), ascii('0304')],
    ['bcd2', framing.bcd2(), bytes(0x03, 0x00)],
    ['bcd2 includesHeader', framing.bcd2({ includesHeader: true }), bytes(0x03, 0x02)],
    ['binary4', framing.binary4(), bytes(0, 0, 0x01, 0x2c)],
    ['binary4 includesHeader', framing.binary4({ includesHeader: true }), bytes(0, 0, 0x01, 0x30)],
    ['vmlh', framing.vmlh(), bytes(0x01, 0x2c, 0, 0)],
    ['vmlh includesHeader', framing.vmlh({ includesHeader: true }), bytes(0x01, 0x30, 0, 0)],
    ['lengthPrefixed binary 3 (CMF)', framing.lengthPrefixed('binary', 3), bytes(0, 0x01, 0x2c)],
    ['lengthPrefixed hex 4 (HEX)', framing.lengthPrefixed('hex', 4), ascii('012C')],
    ['lengthPrefixed ascii 3', framing.lengthPrefixed('ascii', 3), ascii('300')],
    ['lengthPrefixed bcd 3', framing.lengthPrefixed('bcd', 3), bytes(0, 0x03, 0x00)],
  ])('%s: encodes a 300-byte body behind its prefix and decodes it back', (_name, f, prefix) => {
    const message = body(300);
    const encoded = f.encode(message);
    expect(encoded.subarray(0, prefix.length)).toEqual(prefix);
    expect(encoded.subarray(prefix.length)).toEqual(message);
    const frames = f.decoder().push(encoded);
    expect(frames).toEqual([{ body: message }]);
  });

  it('binary2 is named and defaults to a 64 KiB limit', () => {
    const f = framing.binary2();
    expect(f.name).toBe('binary2');
    expect(f.maxFrameLength).toBe(65_536);
  });

  it('binary4 reads lengths with the top bit set as unsigned', () => {
    const f = framing.binary4({ maxFrameLength: 100 });
    expect(() => f.decoder().push(bytes(0x80, 0, 0, 0))).toThrow(/length 2147483648 announces/);
  });

  it('bcd2 writes every digit', () => {
    expect(framing.bcd2().encode(body(1234)).subarray(0, 2)).toEqual(bytes(0x12, 0x34));
    expect(
      framing
        .bcd2()
        .decoder()
        .push(bytes(0x00, 0x09, ...body(9))),
    ).toHaveLength(1);
  });

  it('an empty body encodes as a bare zero length: a keep-alive', () => {
    expect(framing.binary2().encode(new Uint8Array(0))).toEqual(bytes(0, 0));
    expect(framing.ascii4().encode(new Uint8Array(0))).toEqual(ascii('0000'));
    expect(framing.vmlh().encode(new Uint8Array(0))).toEqual(bytes(0, 0, 0, 0));
  });

  it('refuses to encode a body over maxFrameLength or over what the prefix can say', () => {
    expect(() => framing.binary2({ maxFrameLength: 10 }).encode(body(11))).toThrow(
      'binary2: a 11-byte body is over maxFrameLength 10',
    );
    expect(() => framing.ascii4().encode(body(10_000))).toThrow(/does not fit a length prefix of at most 9999/);
    expect(() => framing.binary2({ includesHeader: true }).encode(body(65_534))).toThrow(RangeError);
  });

  it('validates its options up front', () => {
    expect(() => framing.binary2({ maxFrameLength: 0 })).toThrow(
      'framing.binary2: maxFrameLength must be a positive integer, got 0',
    );
    expect(() => framing.ascii4({ maxFrameLength: 1.5 })).toThrow(RangeError);
    expect(() => framing.bcd2({ includesHeader: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => framing.vmlh(null as never)).toThrow(TypeError);
  });

  it('lengthPrefixed reads either case of hex, refuses non-digits, and checks its arguments', () => {
    const hex = framing.lengthPrefixed('hex', 4);
    expect(hex.decoder().push(Uint8Array.of(...ascii('000a'), ...body(10)))[0]!.body).toEqual(body(10));
    expect(() => hex.decoder().push(ascii('00G1'))).toThrow(new FramingError('hex4 length header is not a number', 0));
    expect(() => framing.lengthPrefixed('bcd', 2).decoder().push(bytes(0x0a, 0x00))).toThrow(
      new FramingError('bcd2 length header is not a number', 0),
    );
    expect(() => framing.lengthPrefixed('binary', 1).encode(body(256))).toThrow(
      'binary1: a 256-byte body does not fit a length prefix of at most 255',
    );
    expect(() => framing.lengthPrefixed('base64' as never, 4)).toThrow(
      "framing.lengthPrefixed: encoding must be 'binary', 'ascii', 'hex' or 'bcd', got base64",
    );
    expect(() => framing.lengthPrefixed('binary', 7)).toThrow(
      'framing.lengthPrefixed: size of a binary length prefix must be an integer from 1 to 6, got 7',
    );
    expect(() => framing.lengthPrefixed('ascii', 2, { maxFrameLength: 0 })).toThrow(
      'framing.lengthPrefixed: maxFrameLength must be a positive integer, got 0',
    );
  });

  it('the error classes are the connection errors', () => {
    expect(() => framing.ascii4().decoder().push(ascii('12a4'))).toThrow(FramingError);
  });
});
