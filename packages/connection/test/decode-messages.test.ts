import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Message, UnpackError, defineSpec } from '@rx8583/iso8583';
import { decodeMessages, type DecodedFrame, type Frame } from '@rx8583/connection';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const spec = defineSpec({
  name: 'decodeMessages test spec',
  fields: {
    0: { type: 'numeric', length: 4, encoding: 'ascii', description: 'MTI' },
    1: { type: 'bitmap', length: 8, encoding: 'hex', description: 'Bitmap' },
    2: {
      type: 'numeric',
      length: 19,
      encoding: 'ascii',
      prefix: { digits: 2, encoding: 'ascii' },
      sensitive: 'pan',
      description: 'PAN',
    },
    11: { type: 'numeric', length: 6, encoding: 'ascii', description: 'STAN' },
  },
});

const echo = new Message(spec, { mti: '0800', fields: { 11: '000042' } }).pack();
const withPan = new Message(spec, { mti: '0100', fields: { 2: '4111111111111111', 11: '000043' } }).pack();
// The PAN's length prefix says 16 but the frame ends early: truncated inside field 2.
const truncated = withPan.subarray(0, withPan.length - 12);
const frame = (body: Uint8Array, header?: Record<string, unknown>): Frame => (header ? { body, header } : { body });

/** A marble-friendly view of an item: its kind and what identifies it. */
function summary(item: DecodedFrame): string {
  if (item.kind === 'message') return `${item.message.mti}/${item.message.get(11)}${item.header ? '+h' : ''}`;
  if (item.kind === 'keepAlive') return 'keepAlive';
  return `unpackError field ${item.error.field}`;
}

describe('decodeMessages', () => {
  it('unpacks messages, reports keep-alives, and reports an unpack failure without ending the stream', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const frames = cold('a-k-b-c-|', {
        a: frame(echo),
        k: frame(new Uint8Array(0)),
        b: frame(truncated),
        c: frame(withPan, { id: 0x60 }),
      });
      expectObservable(frames.pipe(decodeMessages(spec), map(summary))).toBe('a-k-b-c-|', {
        a: '0800/000042',
        k: 'keepAlive',
        b: 'unpackError field 2',
        c: '0100/000043+h',
      });
    });
  });

  it('hands over the UnpackError with its field and offset, and no card data in its message', () => {
    const items: DecodedFrame[] = [];
    newScheduler().run(({ cold, expectObservable }) => {
      const frames = cold('b|', { b: frame(truncated) });
      expectObservable(
        frames.pipe(
          decodeMessages(spec),
          map((item) => items.push(item)),
        ),
      ).toBe('a|', { a: 1 });
    });
    const item = items[0]!;
    expect(item.kind).toBe('unpackError');
    const error = (item as Extract<DecodedFrame, { kind: 'unpackError' }>).error;
    expect(error).toBeInstanceOf(UnpackError);
    expect(error.field).toBe(2);
    // Field 2 starts at byte 20 (after the MTI and the hex bitmap); the codec blames a byte within it.
    expect(error.offset).toBeGreaterThanOrEqual(20);
    expect(error.offset).toBeLessThan(truncated.length);
    expect(error.message).not.toMatch(/4111|1111/);
  });

  it('keeps the network header with the message', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const header = { id: 0x60, destination: 1, source: 2 };
      const frames = cold('a|', { a: frame(echo, header) });
      expectObservable(
        frames.pipe(
          decodeMessages(spec),
          map((item) => (item.kind === 'message' ? item.header : null)),
        ),
      ).toBe('h|', { h: header });
    });
  });

  it('passes errors through and releases its source on unsubscribe', () => {
    newScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const failure = new Error('framing failed');
      expectObservable(cold('a#', { a: frame(echo) }, failure).pipe(decodeMessages(spec), map(summary))).toBe(
        'a#',
        { a: '0800/000042' },
        failure,
      );
      const frames = hot('a-a-a-a', { a: frame(echo) });
      expectObservable(frames.pipe(decodeMessages(spec), map(summary)), '^--!').toBe('a-a', { a: '0800/000042' });
      expectSubscriptions(frames.subscriptions).toBe('^--!');
    });
  });

  it('validates its argument up front', () => {
    expect(() => decodeMessages(undefined as never)).toThrow(
      'decodeMessages: spec must be a MessageSpec such as spec87ascii',
    );
  });
});
