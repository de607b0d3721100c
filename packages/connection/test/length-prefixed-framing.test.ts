import fc from 'fast-check';
import { framing, tpdu, type Framing } from '@rx8583/connection';

const framings: Record<string, Framing> = {
  binary2: framing.binary2(),
  ascii4: framing.ascii4({ includesHeader: true }),
  bcd2: framing.bcd2(),
  binary4: framing.binary4({ includesHeader: true }),
  vmlh: framing.vmlh(),
  'binary2+tpdu': framing.withHeader(framing.binary2(), tpdu),
};

/** Cuts `stream` at the given sorted, distinct offsets. */
function cut(stream: Uint8Array, offsets: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...offsets, stream.length]) {
    chunks.push(stream.slice(start, offset));
    start = offset;
  }
  return chunks;
}

const headerArbitrary = fc.record({
  id: fc.integer({ min: 0, max: 0xff }),
  destination: fc.integer({ min: 0, max: 0xffff }),
  source: fc.integer({ min: 0, max: 0xffff }),
});

describe('decoding is independent of how the stream is chunked', () => {
  it.each(Object.keys(framings))('%s: any chunking of any sequence of frames decodes to the same frames', (name) => {
    const f = framings[name]!;
    const frameArbitrary = fc.record({ body: fc.uint8Array({ maxLength: 300 }), header: headerArbitrary });
    const scenario = fc.array(frameArbitrary, { maxLength: 12 }).chain((frames) => {
      const stream = new Uint8Array(Buffer.concat(frames.map((frame) => f.encode(frame.body, frame.header))));
      const offsets = fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, stream.length - 1) }), {
        maxLength: Math.min(stream.length, 60),
      });
      return fc.tuple(fc.constant(frames), fc.constant(stream), offsets);
    });
    fc.assert(
      fc.property(scenario, ([frames, stream, offsets]) => {
        const valid = offsets.filter((offset) => offset < stream.length).sort((a, b) => a - b);
        const decoder = f.decoder();
        const decoded = cut(stream, valid).flatMap((chunk) => decoder.push(chunk));
        expect(decoded.map((frame) => Uint8Array.from(frame.body))).toEqual(frames.map((frame) => frame.body));
        const withHeader = f.replyHeader !== undefined;
        decoded.forEach((frame, index) => {
          const expected = withHeader && frames[index]!.body.length > 0 ? frames[index]!.header : undefined;
          expect(frame.header).toEqual(expected);
        });
        expect(decoder.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
