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

  it('validates its arguments up front', () => {
    expect(() => decodeFrames({} as never)).toThrow(
      'decodeFrames: framing must be a Framing such as framing.binary2()',
    );
    expect(() => decodeFrames(f, { frameTimeout: 0 })).toThrow(
      'decodeFrames: frameTimeout must be a positive number of milliseconds, got the number 0',
    );
    expect(() => decodeFrames(f, null as never)).toThrow('decodeFrames: config must be an object');
  });
});

describe('decodeFrames with frameTimeout', () => {
  const timeoutError = (held: number, offset: number) =>
    new FramingError(`binary2 frame not complete within 10 ms (${held} bytes of it arrived)`, offset);

  it('fails a frame that began and did not end within frameTimeout, however bytes trickle in', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // the first byte at 0, more at 4 and 8: counted from the first byte, so it fails at 10.
      const chunks = cold('a 3ms b 3ms c 9ms d|', {
        a: one.subarray(0, 1),
        b: one.subarray(1, 3),
        c: one.subarray(3, 4),
        d: one.subarray(4),
      });
      expectObservable(chunks.pipe(decodeFrames(f, { frameTimeout: 10 }), map(bodyOf))).toBe(
        '10ms #',
        undefined,
        timeoutError(4, 0),
      );
      expectSubscriptions(chunks.subscriptions).toBe('^ 9ms !');
    });
  });

  it('lets a frame that completes in time through, and starts no clock between frames', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const chunks = cold('a 8ms b 30ms a 8ms b 30ms |', { a: one.subarray(0, 3), b: one.subarray(3) });
      expectObservable(chunks.pipe(decodeFrames(f, { frameTimeout: 10 }), map(bodyOf))).toBe('9ms x 39ms x 30ms |', {
        x: '0800',
      });
    });
  });

  it('starts the clock of a frame that begins in the chunk that ends the one before', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const partialNext = Buffer.concat([one.subarray(3), two.subarray(0, 5)]);
      // frame 1 began at 0, ended at 8; frame 2 began at 8: it fails at 18, not at 10.
      const chunks = cold('a 7ms b 20ms |', { a: one.subarray(0, 3), b: partialNext });
      expectObservable(chunks.pipe(decodeFrames(f, { frameTimeout: 10 }), map(bodyOf))).toBe(
        '8ms x 9ms #',
        { x: '0800' },
        timeoutError(5, one.length),
      );
    });
  });

  it('never times out with frameTimeout Infinity', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const chunks = cold('a 100ms |', { a: one.subarray(0, 3) });
      expectObservable(chunks.pipe(decodeFrames(f, { frameTimeout: Infinity }), map(bodyOf))).toBe('101ms |');
    });
  });

  it('stops the clock on unsubscribe', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const chunks = cold('a 100ms |', { a: one.subarray(0, 3) });
      expectObservable(chunks.pipe(decodeFrames(f, { frameTimeout: 10 }), map(bodyOf)), '^ 5ms !').toBe('');
    });
  });
});

describe('decodeFrames on a link whose peer speaks TLS', () => {
  const alert = Uint8Array.from([21, 3, 3, 0, 2, 2, 10]);

  it.each([
    ['binary2', 'a TLS alert', framing.binary2(), alert],
    ['ascii4', 'a TLS alert', framing.ascii4(), alert],
    ['ascii4', 'a TLS record', framing.ascii4(), Uint8Array.from([22, 3, 1, 0, 0x40, 1, 0, 0, 0x3c])],
  ])('fails a %s link that opens with %s, saying the peer speaks TLS', (name, what, framingUnderTest, bytes) => {
    newScheduler().run(({ cold, expectObservable }) => {
      const error = new FramingError(
        `the peer sent ${what} where a ${name} frame was expected: it speaks TLS (dial it with tls options)`,
        0,
      );
      expectObservable(cold('a', { a: bytes }).pipe(decodeFrames(framingUnderTest))).toBe('#', undefined, error);
    });
  });

  it('takes the same bytes as a frame anywhere but at the start of the stream', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const later = cold('a-b', { a: one, b: alert });
      expectObservable(later.pipe(decodeFrames(framing.binary2()), map(bodyOf))).toBe('x--', { x: '0800' });
    });
  });
});
