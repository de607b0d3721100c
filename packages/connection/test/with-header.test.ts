import { blob, cstr, struct, u8, u16be } from '@solana/buffer-layout';
import fc from 'fast-check';
import { framing, swapTpdu, tpdu, type Tpdu } from '@rx8583/connection';
import { FramingError } from '../src/errors';

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const terminal: Tpdu = { id: 0x60, destination: 0x0001, source: 0x0203 };

describe('framing.withHeader with a TPDU', () => {
  const nac = framing.withHeader(framing.binary2(), tpdu, { defaultHeader: terminal, replyHeader: swapTpdu });

  it('writes length, TPDU, body; the length counts the TPDU', () => {
    expect(nac.encode(ascii('0800'))).toEqual(bytes(0x00, 0x09, 0x60, 0x00, 0x01, 0x02, 0x03, ...ascii('0800')));
  });

  it('uses the header given to encode over the default', () => {
    const encoded = nac.encode(ascii('0810'), { id: 0x60, destination: 7, source: 9 });
    expect(encoded.subarray(2, 7)).toEqual(bytes(0x60, 0, 7, 0, 9));
  });

  it('decodes the header into frame.header and hands the body alone', () => {
    expect(nac.decoder().push(nac.encode(ascii('0800')))).toEqual([{ header: terminal, body: ascii('0800') }]);
  });

  it('decodes the header of a frame delivered one byte per chunk', () => {
    const decoder = nac.decoder();
    const frames = Array.from(nac.encode(ascii('0800'))).flatMap((byte) => decoder.push(bytes(byte)));
    expect(frames).toEqual([{ header: terminal, body: ascii('0800') }]);
  });

  it('turns the request header into the reply header by swapping source and destination', () => {
    expect(nac.replyHeader!(terminal)).toEqual({ id: 0x60, destination: 0x0203, source: 0x0001 });
  });

  it('is named after its parts', () => {
    expect(nac.name).toBe('binary2+tpdu');
    expect(nac.maxFrameLength).toBe(65_536);
  });

  it('counts the length prefix and the header when includesHeader is set', () => {
    const counted = framing.withHeader(framing.binary2({ includesHeader: true }), tpdu, { defaultHeader: terminal });
    const encoded = counted.encode(ascii('08'));
    expect(encoded.subarray(0, 2)).toEqual(bytes(0, 9));
    expect(counted.decoder().push(encoded)).toEqual([{ header: terminal, body: ascii('08') }]);
  });

  it('sends and reads a zero-length frame as a bare keep-alive, without a header', () => {
    expect(nac.encode(new Uint8Array(0))).toEqual(bytes(0, 0));
    expect(nac.decoder().push(bytes(0, 0))).toEqual([{ body: new Uint8Array(0) }]);
  });

  it('refuses a length too short for the header', () => {
    expect(() => nac.decoder().push(bytes(0, 3, 0x60, 0, 1))).toThrow(
      new FramingError('binary2+tpdu length 3 is too short to hold the 5-byte header', 0),
    );
  });

  it('applies maxFrameLength to the body, not to the header', () => {
    const small = framing.withHeader(framing.binary2({ maxFrameLength: 4 }), tpdu, { defaultHeader: terminal });
    expect(small.decoder().push(small.encode(ascii('0800')))).toHaveLength(1);
    expect(() => small.encode(ascii('08000'))).toThrow(RangeError);
    expect(() => small.decoder().push(bytes(0, 10))).toThrow(/5-byte body, over maxFrameLength 4/);
  });

  it('replies with the same header when no replyHeader hook is given', () => {
    const plain = framing.withHeader(framing.ascii4(), tpdu);
    expect(plain.replyHeader!(terminal)).toBe(terminal);
  });

  it('refuses to encode without a header when there is no default', () => {
    const plain = framing.withHeader(framing.ascii4(), tpdu);
    expect(() => plain.encode(ascii('0800'))).toThrow(
      'ascii4+tpdu: no header given to encode and no defaultHeader configured',
    );
  });
});

describe('framing.withHeader with any fixed layout', () => {
  type Base1Like = { length: number; station: Uint8Array; flags: number };
  const base1Like = struct<Base1Like>([u8('length'), blob(3, 'station'), u8('flags')], 'base1');

  it('encodes and decodes a header declared with @solana/buffer-layout', () => {
    const visa = framing.withHeader(framing.vmlh({ maxFrameLength: 2048 }), base1Like);
    const header = { length: 5, station: bytes(1, 2, 3), flags: 0x80 };
    const encoded = visa.encode(ascii('0100'), header);
    expect(encoded).toEqual(bytes(0, 9, 0, 0, 5, 1, 2, 3, 0x80, ...ascii('0100')));
    const [frame] = visa.decoder().push(encoded);
    expect(frame!.body).toEqual(ascii('0100'));
    expect(frame!.header).toMatchObject({ length: 5, flags: 0x80 });
    expect(Uint8Array.from(frame!.header!.station as Uint8Array)).toEqual(bytes(1, 2, 3));
  });

  it('validates its arguments up front', () => {
    expect(() => framing.withHeader({} as never, tpdu)).toThrow(TypeError);
    const nac = framing.withHeader(framing.binary2(), tpdu);
    expect(() => framing.withHeader(nac, tpdu)).toThrow('framing.withHeader: binary2+tpdu already has a fixed header');
    expect(() => framing.withHeader(framing.binary2(), cstr('name') as never)).toThrow(/fixed size/);
    expect(() => framing.withHeader(framing.binary2(), {} as never)).toThrow(TypeError);
    expect(() => framing.withHeader(framing.binary2(), tpdu, { replyHeader: 'swap' as never })).toThrow(TypeError);
    expect(() =>
      framing.withHeader(framing.binary2(), tpdu, { defaultHeader: { id: 300, destination: 0, source: 0 } }),
    ).toThrow(new RangeError('tpdu.id must be an integer from 0 to 255, got 300'));
  });
});

describe('tpdu, written without a layout library', () => {
  // The same header declared with @solana/buffer-layout: the hand-written codec must match it byte for byte.
  const libraryTpdu = struct<Tpdu>([u8('id'), u16be('destination'), u16be('source')], 'tpdu');
  const anyTpdu = fc.record({
    id: fc.integer({ min: 0, max: 0xff }),
    destination: fc.integer({ min: 0, max: 0xffff }),
    source: fc.integer({ min: 0, max: 0xffff }),
  });

  it('writes the bytes a buffer-layout struct writes, and reads them back', () => {
    fc.assert(
      fc.property(anyTpdu, fc.integer({ min: 0, max: 3 }), (header, offset) => {
        const ours = new Uint8Array(offset + 5);
        const theirs = new Uint8Array(offset + 5);
        tpdu.encode(header, ours, offset);
        libraryTpdu.encode(header, theirs, offset);
        expect(ours).toEqual(theirs);
        expect(tpdu.decode(theirs, offset)).toEqual(header);
      }),
    );
  });

  it('refuses a value that does not fit its bytes, naming the part', () => {
    const target = new Uint8Array(5);
    expect(() => tpdu.encode({ id: 0x60, destination: 0x10000, source: 0 }, target, 0)).toThrow(
      new RangeError('tpdu.destination must be an integer from 0 to 65535, got 65536'),
    );
    expect(() => tpdu.encode({ id: 0x60, destination: 1, source: -1 }, target, 0)).toThrow(
      new RangeError('tpdu.source must be an integer from 0 to 65535, got -1'),
    );
    expect(() => tpdu.encode({ id: 0x60, destination: 1.5, source: 0 }, target, 0)).toThrow(
      new RangeError('tpdu.destination must be an integer from 0 to 65535, got 1.5'),
    );
    expect(() => tpdu.encode({ id: '60', destination: 1, source: 0 } as never, target, 0)).toThrow(
      new RangeError('tpdu.id must be an integer from 0 to 255, got a string'),
    );
  });
});
