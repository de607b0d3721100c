import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { readTimeout } from '@rx8583/connection';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('readTimeout', () => {
  it('reports each timeout while the peer stays silent, counting them', () => {
    newScheduler().run(({ hot, expectObservable }) => {
      const received = hot('------------------------------------');
      expectObservable(received.pipe(readTimeout({ timeout: 10 })), '^ 34ms !').toBe('10ms a 9ms b 9ms c', {
        a: 1,
        b: 2,
        c: 3,
      });
    });
  });

  it('restarts from anything received', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const received = cold('-----r 8ms r 18ms |');
      // received at 5 and 14; silent from 14: timeout at 24; completes at 33.
      expectObservable(received.pipe(readTimeout({ timeout: 10 }))).toBe('24ms a 8ms |', { a: 1 });
    });
  });

  it('stays quiet while traffic flows', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('r 5ms r 5ms r 5ms |').pipe(readTimeout({ timeout: 7 }))).toBe('18ms |');
    });
  });

  it('completes with the source', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const received = cold('r 2ms |');
      expectObservable(received.pipe(readTimeout({ timeout: 10 }))).toBe('3ms |');
      expectSubscriptions(received.subscriptions).toBe('^ 2ms !');
    });
  });

  it('errors with the source', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const failure = new Error('reset by peer');
      expectObservable(cold('-- 20ms #', undefined, failure).pipe(readTimeout({ timeout: 10 }))).toBe(
        '10ms a 9ms b 1ms #',
        { a: 1, b: 2 },
        failure,
      );
    });
  });

  it('lets go of the source on unsubscribe', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const received = hot('-r-r-r-r-r-r-r-');
      expectObservable(received.pipe(readTimeout({ timeout: 3 })), '^ 5ms !').toBe('');
      expectSubscriptions(received.subscriptions).toBe('^ 5ms !');
    });
  });

  describe('on the real clock', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('leaves no timer behind once the inbound stream completes or the subscriber leaves', () => {
      const received = new Subject<void>();
      const timeouts: number[] = [];
      received.pipe(readTimeout({ timeout: 60_000 })).subscribe((count) => timeouts.push(count));
      const abandoned = new Subject<void>().pipe(readTimeout({ timeout: 60_000 })).subscribe();
      jest.advanceTimersByTime(60_000);
      expect(timeouts).toEqual([1]);
      received.complete();
      abandoned.unsubscribe();
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  it('validates timeout up front', () => {
    expect(() => readTimeout({ timeout: -1 })).toThrow(
      'readTimeout: timeout must be a positive number of milliseconds, got the number -1',
    );
    expect(() => readTimeout({ timeout: '60s' as never })).toThrow(RangeError);
  });
});
