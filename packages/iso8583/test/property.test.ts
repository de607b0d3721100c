import fc from 'fast-check';
import {
  Message,
  UnpackError,
  describe as describeMessage,
  spec87ascii,
  spec87binary,
  unpack,
  type MessageSpec,
} from '@rx8583/iso8583';
import { specAndFieldsArb, specArb } from './support/arbitraries';

function contentOf(message: Message) {
  return { mti: message.mti, fields: message.fieldNumbers().map((n) => [n, message.get(n)]) };
}

/**
 * unpack must return a Message or throw an UnpackError; anything else fails the property. A message
 * that unpacks was checked throughout: building its values (get, describe, pack) never throws, and
 * what it packs to unpacks to the same values.
 */
function unpackOrRefuse(spec: MessageSpec, bytes: Uint8Array): void {
  let message: Message;
  try {
    message = unpack(spec, bytes);
  } catch (error) {
    if (!(error instanceof UnpackError)) throw error;
    expect(typeof error.field === 'number' || typeof error.field === 'string').toBe(true);
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(bytes.length);
    return;
  }
  const content = contentOf(message);
  describeMessage(message, { mask: false });
  expect(contentOf(unpack(spec, message.pack()))).toEqual(content);
}

describe('properties', () => {
  it('unpack(pack(m)) equals m for random specs and messages', () => {
    fc.assert(
      fc.property(specAndFieldsArb, ({ spec, mti, fields }) => {
        const message = new Message(spec, { mti, fields });
        const bytes = message.pack();
        const back = unpack(spec, bytes);
        expect(contentOf(back)).toEqual(contentOf(message));
        // And packing what was unpacked gives the same bytes.
        expect(Buffer.compare(Buffer.from(back.pack()), Buffer.from(bytes))).toBe(0);
      }),
      { numRuns: 1500 },
    );
  });

  it('random bytes are unpacked or refused with an UnpackError, for random and built-in specs', () => {
    fc.assert(
      fc.property(
        fc.oneof(specArb, fc.constant(spec87ascii), fc.constant(spec87binary)),
        fc.uint8Array({ maxLength: 600 }),
        (spec, bytes) => {
          unpackOrRefuse(spec, bytes);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('mutated, truncated and extended messages are unpacked or refused with an UnpackError', () => {
    const mutation = fc.record({
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      extra: fc.uint8Array({ maxLength: 4 }),
    });
    fc.assert(
      fc.property(specAndFieldsArb, mutation, ({ spec, mti, fields }, { flips, cut, extra }) => {
        const bytes = Buffer.from(new Message(spec, { mti, fields }).pack());
        for (const [at, byte] of flips) if (bytes.length > 0) bytes[at % bytes.length] = byte;
        const end = cut === undefined ? bytes.length : cut % (bytes.length + 1);
        unpackOrRefuse(spec, Buffer.concat([bytes.subarray(0, end), extra]));
      }),
      { numRuns: 1500 },
    );
  });

  it('decoding is fast even on hostile input: 10 000 unpacks of random frames of up to 1 KiB in well under 10 s', () => {
    const frames = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 1024 }), { numRuns: 5_000, seed: 8583 });
    const started = process.hrtime.bigint();
    for (const frame of frames) {
      unpackOrRefuse(spec87ascii, frame);
      unpackOrRefuse(spec87binary, frame);
    }
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(elapsedMs).toBeLessThan(10_000);
  });
});
