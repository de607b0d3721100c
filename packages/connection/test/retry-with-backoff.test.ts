import { concat, defer, NEVER, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { retryWithBackoff, type RetryNotice } from '@rx8583/connection';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const schedule = { initial: 10, max: 40, jitter: 0 };
const refused = new Error('ECONNREFUSED');

describe('retryWithBackoff', () => {
  it('resubscribes after initial, doubling each time up to max, for ever', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const dial = cold('--#', undefined, refused);
      // fails at 2 → wait 10 → 12; fails at 14 → wait 20 → 34; at 36 → 40 → 76; at 78 → 40 (cap) → 118
      expectObservable(dial.pipe(retryWithBackoff(schedule)), '^ 125ms !').toBe('');
      expectSubscriptions(dial.subscriptions).toBe(['^-!', '12ms ^-!', '34ms ^-!', '76ms ^-!', '118ms ^-!']);
    });
  });

  it('starts again from initial once the source emitted (the link came up)', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      let dials = 0;
      const failing = cold('--#', undefined, refused);
      const upThenDown = cold('-c-#', { c: 'conn' }, refused);
      // Two failed dials (waits 10, 20), then a link that comes up and drops: the next wait is 10 again.
      const dial = defer(() => (++dials === 3 ? upThenDown : failing));
      expectObservable(dial.pipe(retryWithBackoff(schedule)), '^ 60ms !').toBe('35ms c', { c: 'conn' });
      expectSubscriptions(failing.subscriptions).toBe(['^-!', '12ms ^-!', '47ms ^-!']);
      expectSubscriptions(upThenDown.subscriptions).toBe('34ms ^--!');
    });
  });

  it('keeps doubling across successes when resetOnSuccess is false', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const flapping = cold('c-#', { c: 'conn' }, refused);
      expectObservable(flapping.pipe(retryWithBackoff({ ...schedule, resetOnSuccess: false })), '^ 40ms !').toBe(
        'c 11ms c 21ms c',
        { c: 'conn' },
      );
      expectSubscriptions(flapping.subscriptions).toBe(['^-!', '12ms ^-!', '34ms ^-!']);
    });
  });

  it('keeps every wait within ±jitter', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const dial = cold('#', undefined, refused);
      const lowest = retryWithBackoff({ initial: 100, max: 400, jitter: 0.2, random: () => 0 });
      expectObservable(dial.pipe(lowest), '^ 300ms !').toBe('');
      // waits 80, 160, 320 (the low end of ±20 % around 100, 200, 400)
      expectSubscriptions(dial.subscriptions).toBe(['(^!)', '80ms (^!)', '240ms (^!)']);
    });
  });

  it('reports each retry with its attempt, wait and error before waiting', () => {
    newScheduler().run(({ cold, expectObservable, flush }) => {
      const notices: RetryNotice[] = [];
      const dial = cold('-#', undefined, refused);
      expectObservable(dial.pipe(retryWithBackoff({ ...schedule, onRetry: (n) => notices.push(n) })), '^ 40ms !').toBe(
        '',
      );
      flush();
      expect(notices).toEqual([
        { attempt: 1, delay: 10, error: refused },
        { attempt: 2, delay: 20, error: refused },
        { attempt: 3, delay: 40, error: refused },
      ]);
    });
  });

  it('does not retry a completion: a link closed on purpose stays closed', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const dial = cold('-c-|', { c: 'conn' });
      expectObservable(dial.pipe(retryWithBackoff(schedule))).toBe('-c-|', { c: 'conn' });
      expectSubscriptions(dial.subscriptions).toBe('^--!');
    });
  });

  it('stops the loop, wait included, on unsubscribe', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const dial = cold('--#', undefined, refused);
      expectObservable(dial.pipe(retryWithBackoff(schedule)), '^ 20ms !').toBe('');
      // unsubscribed at 21 while waiting 20 ms after the failure at 14: no third dial at 34
      expectSubscriptions(dial.subscriptions).toBe(['^-!', '12ms ^-!']);
    });
  });

  it('survives a source that throws while being set up', () => {
    newScheduler().run(({ expectObservable }) => {
      let calls = 0;
      const dial = defer(() => {
        calls += 1;
        if (calls < 3) throw new Error('options factory failed');
        return concat(of('conn'), NEVER);
      });
      expectObservable(dial.pipe(retryWithBackoff(schedule)), '^ 40ms !').toBe('30ms c', { c: 'conn' });
    });
  });

  it('spreads waits by ±20 % when no jitter is given', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const dial = cold('#', undefined, refused);
      expectObservable(dial.pipe(retryWithBackoff({ initial: 100, max: 100, random: () => 0 })), '^ 170ms !').toBe('');
      expectSubscriptions(dial.subscriptions).toBe(['(^!)', '80ms (^!)', '160ms (^!)']);
    });
  });

  it('waits on the scheduler it is given', () => {
    // Outside run() only this scheduler is virtual: waits timed on any other clock would not end.
    const scheduler = newScheduler();
    const dials: number[] = [];
    const dial = defer(() => {
      dials.push(scheduler.now());
      return throwError(() => refused);
    });
    const subscription = dial.pipe(retryWithBackoff({ ...schedule, scheduler })).subscribe({ error: () => undefined });
    scheduler.maxFrames = 75;
    scheduler.flush();
    subscription.unsubscribe();
    expect(dials).toEqual([0, 10, 30, 70]);
  });

  it('validates its configuration up front', () => {
    expect(() => retryWithBackoff({ initial: 0, max: 10, jitter: 0 })).toThrow(
      'retryWithBackoff: initial must be a positive number of milliseconds, got the number 0',
    );
    expect(() => retryWithBackoff(undefined as never)).toThrow(TypeError);
    expect(() => retryWithBackoff({ ...schedule, random: 0.5 as never })).toThrow(TypeError);
    expect(() => retryWithBackoff({ ...schedule, onRetry: 'log' as never })).toThrow(TypeError);
    expect(() => throwError(() => refused).pipe(retryWithBackoff({ ...schedule, jitter: 2 }))).toThrow(RangeError);
  });
});
