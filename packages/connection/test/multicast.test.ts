import { config } from 'rxjs';
import { Multicast } from '../src/connection/multicast';

describe('Multicast', () => {
  it('sends each value to those subscribed when it was emitted, and stops at unsubscribe', () => {
    const stream = new Multicast<string>();
    const first: string[] = [];
    const late: string[] = [];
    expect(stream.observed).toBe(false);
    const subscription = stream.observable.subscribe((value) => {
      first.push(value);
      // a subscriber added while a value is out gets the next one, not this one
      if (value === 'a') stream.observable.subscribe((next) => late.push(next));
    });
    expect(stream.observed).toBe(true);
    stream.next('a');
    stream.next('b');
    subscription.unsubscribe();
    stream.next('c');
    expect(first).toEqual(['a', 'b']);
    expect(late).toEqual(['b', 'c']);
  });

  it('completes its subscribers, and completes a later one at once', () => {
    const stream = new Multicast<number>();
    const ends: string[] = [];
    stream.observable.subscribe({ complete: () => ends.push('first') });
    stream.complete();
    expect(stream.observed).toBe(false);
    stream.observable.subscribe({ next: () => ends.push('value'), complete: () => ends.push('later') });
    stream.next(1);
    expect(ends).toEqual(['first', 'later']);
  });

  it('hands values to plain listeners beside subscribers, and reports a throwing one as RxJS does', async () => {
    const stream = new Multicast<number>();
    const subscribed: number[] = [];
    const listened: number[] = [];
    const failure = new Error('listener bug');
    const reported = new Promise<unknown>((resolve) => {
      config.onUnhandledError = resolve;
    });
    try {
      stream.observable.subscribe((value) => subscribed.push(value));
      const stop = stream.listen({
        next: (value) => {
          if (value === 2) throw failure;
          listened.push(value);
        },
      });
      stream.next(1);
      stream.next(2);
      stop();
      stream.next(3);
      expect(subscribed).toEqual([1, 2, 3]);
      expect(listened).toEqual([1]);
      await expect(reported).resolves.toBe(failure);
    } finally {
      config.onUnhandledError = null;
    }
  });
});
