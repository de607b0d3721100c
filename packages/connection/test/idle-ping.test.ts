import { Subject, take, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { idlePing } from '@rx8583/connection';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('idlePing', () => {
  it('pings after idleTime without writes, then every idleTime while idle', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const writes = cold('---------------------------------|');
      expectObservable(writes.pipe(idlePing({ idleTime: 10 }))).toBe('10ms a 9ms b 9ms c 2ms |', { a: 1, b: 2, c: 3 });
    });
  });

  it('restarts the idle count at every write', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const writes = cold('----w-----w 20ms |');
      // writes at 4 and 10; idle from 10: pings at 20 and 30; complete at 31.
      expectObservable(writes.pipe(idlePing({ idleTime: 10 }))).toBe('20ms a 9ms b |', { a: 1, b: 2 });
    });
  });

  it('never pings while writes keep coming within idleTime', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const writes = cold('w 8ms w 8ms w 8ms w 8ms |');
      expectObservable(writes.pipe(idlePing({ idleTime: 10 }))).toBe('36ms |');
    });
  });

  it('does not ping on the way out: completion with a ping pending emits nothing', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      // A debounceTime-based ping would flush here, pinging a connection that is closing.
      const writes = cold('w 4ms |');
      expectObservable(writes.pipe(idlePing({ idleTime: 10 }))).toBe('5ms |');
    });
  });

  it('errors with the source and stops its timer', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const writes = cold('-- 12ms #', undefined, new Error('socket gone'));
      expectObservable(writes.pipe(idlePing({ idleTime: 10 }))).toBe(
        '10ms a 3ms #',
        { a: 1 },
        new Error('socket gone'),
      );
      expectSubscriptions(writes.subscriptions).toBe('^ 13ms !');
    });
  });

  it('unsubscribes from the source and stops pinging on teardown', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const writes = hot('--w----------------------------');
      expectObservable(writes.pipe(idlePing({ idleTime: 5 })), '^ 14ms !').toBe('7ms a 4ms b', { a: 1, b: 2 });
      expectSubscriptions(writes.subscriptions).toBe('^ 14ms !');
    });
  });

  it('takes its timing from the scheduler it is given', () => {
    // Outside run() only this scheduler is virtual: pings timed on any other clock would not come.
    const scheduler = newScheduler();
    scheduler.maxFrames = 10;
    const pings: Array<[number, number]> = [];
    const subscription = new Subject<void>()
      .pipe(idlePing({ idleTime: 3, scheduler }))
      .subscribe((count) => pings.push([scheduler.now(), count]));
    scheduler.flush();
    subscription.unsubscribe();
    expect(pings).toEqual([
      [3, 1],
      [6, 2],
      [9, 3],
    ]);
  });

  describe('on the real clock', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('leaves no timer behind once the outbound stream completes or the subscriber leaves', () => {
      const writes = new Subject<void>();
      const pings: number[] = [];
      writes.pipe(idlePing({ idleTime: 5_000 })).subscribe((count) => pings.push(count));
      const abandoned = new Subject<void>().pipe(idlePing({ idleTime: 5_000 })).subscribe();
      jest.advanceTimersByTime(5_000);
      expect(pings).toEqual([1]);
      expect(jest.getTimerCount()).toBeGreaterThan(0);
      writes.complete();
      abandoned.unsubscribe();
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  it('counts idle time again from a ping that writes (the ping is outbound activity)', () => {
    newScheduler().run(({ expectObservable }) => {
      const writes = new Subject<void>();
      const pings = writes.pipe(
        idlePing({ idleTime: 10 }),
        tap(() => writes.next()),
        take(3),
      );
      expectObservable(pings).toBe('10ms a 9ms a 9ms (a|)', { a: 1 });
    });
  });

  it('validates idleTime up front', () => {
    expect(() => idlePing({ idleTime: 0 })).toThrow(
      'idlePing: idleTime must be a positive number of milliseconds, got the number 0',
    );
    expect(() => idlePing({ idleTime: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => idlePing(undefined as never)).toThrow(
      new TypeError('idlePing: config must be an object, got undefined'),
    );
    expect(() => idlePing({ idleTim: 5 } as never)).toThrow(
      new TypeError("idlePing: unknown option 'idleTim' — did you mean 'idleTime'?"),
    );
  });
});
