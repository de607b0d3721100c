import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { decodeFrames, framing, type Frame } from '@rx8583/connection';
import { FramingError } from '../src/errors';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const f = framing.binary2({ maxFrameLength: 100 });
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const one = f.encode(ascii('0800'));
const two = f.encode(ascii('0810 reply'));
const bodyOf = (frame: Frame) => Buffer.from(frame.body).toString('latin1');

describe('decodeFrames', () => {
  it('emits a frame once its last byte arrives, and every frame of a coalesced chunk', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const chunks = cold('a-b-c-----|', {
        a: one.subarray(0, 3),
        b: one.subarray(3),
        c: Buffer.concat([two, one, Buffer.from([0, 0])]),
      });
      expectObservable(chunks.pipe(decodeFrames(f), map(bodyOf))).toBe('--x-(yxk)-|', {
        x: '0800',
        y: '0810 reply',
        k: '',
      });
    });
  });

  it('errors the stream with FramingError on an oversize length, and unsubscribes from the chunks', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const chunks = cold('a-b-c-|', { a: one, b: Uint8Array.from([0x01, 0x00]), c: one });
      const error = new FramingError(
        'binary2 length 256 announces a 256-byte body, over maxFrameLength 100',
        one.length,
      );
      expectObservable(chunks.pipe(decodeFrames(f), map(bodyOf))).toBe('x-#', { x: '0800' }, error);
      expectSubscriptions(chunks.subscriptions).toBe('^-!');
    });
  });

  it('passes the source error through', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const failure = new Error('ECONNRESET');
      expectObservable(cold('a-#', { a: one }, failure).pipe(decodeFrames(f), map(bodyOf))).toBe(
        'x-#',
        { x: '0800' },
        failure,
      );
    });
  });

  it('gives each subscription its own decoder', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const decode = decodeFrames(f);
      const first = cold('a--|', { a: one.subarray(0, 4) });
      const second = cold('b--|', { b: one });
      expectObservable(first.pipe(decode, map(bodyOf))).toBe('---|');
      expectObservable(second.pipe(decode, map(bodyOf))).toBe('x--|', { x: '0800' });
    });
  });

  it('releases the source on unsubscribe', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const chunks = hot('-a-a-a-a-', { a: one });
      expectObservable(chunks.pipe(decodeFrames(f), map(bodyOf)), '^---!').toBe('-x-x', {
        x: '0800',
      });
      expectSubscriptions(chunks.subscriptions).toBe('^---!');
    });
  });

  it('validates its argument up front', () => {
    expect(() => decodeFrames({} as never)).toThrow(
      'decodeFrames: framing must be a Framing such as framing.binary2()',
    );
  });
});
