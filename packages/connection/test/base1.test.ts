import { framing, type Base1Header } from '@rx8583/connection';
import { FramingError } from '../src/errors';

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));

const ours: Partial<Base1Header> = { source: '123456', destination: '000001', roundTrip: 0x40 };
const visa = framing.base1({ header: ours });

/** The 22-byte BASE I header `visa` writes in front of a `bodyLength`-byte message. */
const header22 = (bodyLength: number) =>
  hex(`16 01 02 ${(22 + bodyLength).toString(16).padStart(4, '0')} 000001 123456 40 0000 000000 00 000000 00`);

describe('framing.base1 (Visa VML length + BASE I header)', () => {
  it('writes the VML length, the 22-byte header with the total length and station ids, then the message', () => {
    const body = ascii('0800');
    expect(visa.encode(body)).toEqual(Uint8Array.from([0x00, 26, 0, 0, ...header22(4), ...body]));
  });

  it('gives every frame our header with its own total length, the same bytes as that header given per send', () => {
    const short = ascii('0800');
    const long = ascii('0100'.padEnd(300, 'x'));
    const bytes = (frame: Uint8Array) => Uint8Array.from(frame);
    expect(bytes(visa.encode(long))).toEqual(Uint8Array.from([0x01, 22 + 300 - 256, 0, 0, ...header22(300), ...long]));
    expect(bytes(visa.encode(short))).toEqual(Uint8Array.from([0x00, 26, 0, 0, ...header22(4), ...short]));
    expect(bytes(visa.encode(long))).toEqual(bytes(framing.base1().encode(long, ours as Record<string, unknown>)));
  });

  it("refuses a message too long for the header's 2-byte total length, also with our own header", () => {
    const tooLong = new Uint8Array(65536 - 22);
    expect(() => visa.encode(tooLong)).toThrow('framing.base1: header.total length must be an integer from 0 to 65535');
  });

  it('reads the header into frame.header, also a frame delivered one byte per chunk', () => {
    const decoder = visa.decoder();
    const frames = Array.from(visa.encode(ascii('0810'))).flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(frames).toEqual([
      {
        header: {
          format: 1,
          textFormat: 2,
          destination: '000001',
          source: '123456',
          roundTrip: 0x40,
          flags: 0,
          status: 0,
          batch: 0,
          reserved: 0,
          userInfo: 0,
        },
        body: ascii('0810'),
      },
    ]);
  });

  it("reads Visa's reject header: the reject code, and the original message behind the original header", () => {
    const original = Uint8Array.from([...header22(4), ...ascii('0100')]);
    const rejectHeader = hex('1A 81 02 0000 123456 000001 00 0000 000000 00 000000 00 8000 0005');
    const content = Uint8Array.from([...rejectHeader, ...original]);
    const frame = Uint8Array.from([content.length >> 8, content.length & 0xff, 0, 0, ...content]);
    const [decoded] = visa.decoder().push(frame);
    expect(decoded!.body).toEqual(ascii('0100'));
    expect(decoded!.header).toMatchObject({
      format: 0x81,
      source: '000001',
      destination: '123456',
      rejectCode: '0005',
    });
  });

  it('answers with source and destination swapped and no reject flag', () => {
    const request = visa.decoder().push(visa.encode(ascii('0100')))[0]!.header!;
    expect(visa.replyHeader!(request)).toMatchObject({ source: '000001', destination: '123456', format: 1 });
  });

  it('passes keep-alives (zero-length frames) through without a header', () => {
    expect(visa.encode(new Uint8Array(0))).toEqual(Uint8Array.of(0, 0, 0, 0));
    expect(visa.decoder().push(Uint8Array.of(0, 0, 0, 0))).toEqual([{ body: new Uint8Array(0) }]);
  });

  it('fails the stream with FramingError on a header that is too short, and keeps failing', () => {
    const decoder = visa.decoder();
    const bad = Uint8Array.of(0, 6, 0, 0, 0x05, 0x01, 0x02, 0, 0, 0);
    const error = new FramingError(
      'vmlh+base1 header at byte 0 of a 6-byte frame is of 5 bytes (a BASE I header has at least 22)',
      4,
    );
    expect(() => decoder.push(bad)).toThrow(error);
    expect(() => decoder.push(visa.encode(ascii('0800')))).toThrow(error);
  });

  it('refuses a bad station id at configuration time', () => {
    expect(() => framing.base1({ header: { source: '12345' } })).toThrow(
      new RangeError("framing.base1: header.source must be a station id of 6 digits, got '12345'"),
    );
  });
});
