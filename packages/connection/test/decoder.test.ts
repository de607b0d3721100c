import { framing } from '@rx8583/connection';
import { FramingError } from '../src/errors';

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const bodies = [ascii('0800 first'), ascii('0810 second one'), ascii('x')];

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('frame decoder', () => {
  const f = framing.binary2();
  const stream = concat(...bodies.map((b) => f.encode(b)));

  it('reassembles frames delivered one byte per chunk', () => {
    const decoder = f.decoder();
    const frames = Array.from(stream).flatMap((byte) => decoder.push(bytes(byte)));
    expect(frames.map((frame) => frame.body)).toEqual(bodies);
    expect(decoder.buffered).toBe(0);
  });

  it('splits many frames out of one chunk without copying them', () => {
    const frames = f.decoder().push(stream);
    expect(frames.map((frame) => frame.body)).toEqual(bodies);
    for (const frame of frames) expect(frame.body.buffer).toBe(stream.buffer);
  });

  it('keeps the remainder of a chunk and counts what it holds', () => {
    const decoder = f.decoder();
    const cut = f.encode(bodies[0]!).length + 5;
    expect(decoder.push(stream.subarray(0, cut)).map((frame) => frame.body)).toEqual([bodies[0]]);
    expect(decoder.buffered).toBe(5);
    expect(decoder.push(stream.subarray(cut)).map((frame) => frame.body)).toEqual(bodies.slice(1));
    expect(decoder.buffered).toBe(0);
  });

  it('returns a zero-length frame as a frame with an empty body (keep-alive)', () => {
    const frames = f.decoder().push(concat(bytes(0, 0), f.encode(bodies[2]!), bytes(0, 0)));
    expect(frames.map((frame) => frame.body.length)).toEqual([0, 1, 0]);
  });

  it('takes a bare zero as a keep-alive when the length counts itself', () => {
    const counted = framing.binary2({ includesHeader: true });
    expect(counted.decoder().push(bytes(0, 0, 0, 2))).toEqual([
      { body: new Uint8Array(0) },
      { body: new Uint8Array(0) },
    ]);
  });

  it('refuses an oversize length as soon as the header arrives, before the body', () => {
    const decoder = framing.binary2({ maxFrameLength: 100 }).decoder();
    decoder.push(f.encode(bodies[0]!));
    expect(decoder.push(bytes(0x00))).toEqual([]); // one byte is not yet a length
    expect(() => decoder.push(bytes(0x65))).toThrow(FramingError);
    expect(decoder.buffered).toBeLessThanOrEqual(2);
  });

  it('names the framing, the length and the stream offset in the error', () => {
    const decoder = framing.binary2({ maxFrameLength: 100 }).decoder();
    const first = f.encode(bodies[0]!);
    const error = thrown(() => decoder.push(concat(first, bytes(0x01, 0x00), new Uint8Array(10))));
    expect(error).toBeInstanceOf(FramingError);
    expect((error as FramingError).offset).toBe(first.length);
    expect((error as FramingError).message).toBe(
      `framing error at stream offset ${first.length}: binary2 length 256 announces a 256-byte body, over maxFrameLength 100`,
    );
  });

  it('refuses a 4 GiB binary4 length without trying to allocate it', () => {
    const decoder = framing.binary4().decoder();
    expect(() => decoder.push(bytes(0xff, 0xff, 0xff, 0xff))).toThrow(/length 4294967295 announces/);
  });

  it.each([
    ['ascii4', framing.ascii4(), ascii('00a5')],
    ['ascii4 with a sign', framing.ascii4(), ascii('-001')],
    ['ascii4 with a space', framing.ascii4(), ascii(' 123')],
    ['bcd2 high nibble', framing.bcd2(), bytes(0xa0, 0x01)],
    ['bcd2 low nibble', framing.bcd2(), bytes(0x00, 0x1f)],
  ])('refuses a non-numeric %s length', (_name, framingUnderTest, header) => {
    const error = thrown(() => framingUnderTest.decoder().push(header));
    expect(error).toBeInstanceOf(FramingError);
    expect((error as Error).message).toMatch(/length header is not a number$/);
  });

  it('refuses a non-numeric length that arrives one byte at a time, at its offset', () => {
    const decoder = framing.ascii4().decoder();
    decoder.push(ascii('0002ok00'));
    decoder.push(ascii('1'));
    const error = thrown(() => decoder.push(ascii('x')));
    expect((error as FramingError).offset).toBe(6);
  });

  it('refuses a self-counting length shorter than itself', () => {
    const decoder = framing.binary2({ includesHeader: true }).decoder();
    expect(() => decoder.push(bytes(0, 1))).toThrow(
      'binary2 length 1 is too short to hold its own 2-byte length header',
    );
  });

  it('stays failed: a stream that lost its framing cannot be trusted again', () => {
    const decoder = framing.ascii4().decoder();
    const error = thrown(() => decoder.push(ascii('zzzz')));
    expect(thrown(() => decoder.push(framing.ascii4().encode(bodies[0]!)))).toBe(error);
  });

  it('reserves what has arrived, not the length a peer announces', () => {
    const decoder = f.decoder();
    decoder.push(bytes(0xff, 0xff, 0x30)); // announces 65 535 bytes, sends one
    expect(decoder.buffered).toBe(3);
    expect(decoder.reserved).toBeLessThanOrEqual(1024);
  });

  it('grows in steps while a large frame trickles in, and delivers it whole', () => {
    const body = Uint8Array.from({ length: 60_000 }, (_, i) => i % 251);
    const frame = f.encode(body);
    const decoder = f.decoder();
    const frames = [];
    for (let at = 0; at < frame.length; at += 1000) {
      frames.push(...decoder.push(frame.subarray(at, at + 1000)));
      if (frames.length === 0) expect(decoder.reserved).toBeLessThanOrEqual(2 * decoder.buffered + 1024);
    }
    expect(frames).toHaveLength(1);
    expect(frames[0]!.body).toEqual(body);
    expect(decoder.buffered).toBe(0);
  });

  it('gives each decoder its own state', () => {
    const a = f.decoder();
    const b = f.decoder();
    a.push(stream.subarray(0, 3));
    expect(b.push(stream).map((frame) => frame.body)).toEqual(bodies);
    expect(a.buffered).toBe(3);
  });
});
