import { HeldUntilSubscribed } from '../src/connection/held-until-subscribed';

describe('HeldUntilSubscribed', () => {
  it('hands the held items to the first subscriber, then is a plain hot stream', () => {
    const dropped: string[] = [];
    const stream = new HeldUntilSubscribed<string>(2, { overflowed: (item) => dropped.push(item) });
    stream.push('a');
    stream.push('b');
    stream.push('c');
    expect(dropped).toEqual(['a']);
    const first: string[] = [];
    const second: string[] = [];
    stream.observable.subscribe((item) => first.push(item));
    stream.observable.subscribe((item) => second.push(item));
    stream.push('d');
    expect(first).toEqual(['b', 'c', 'd']);
    expect(second).toEqual(['d']);
  });

  it('a first subscriber that comes after the end still gets the held items, then completion', () => {
    const stream = new HeldUntilSubscribed<string>(4, { overflowed: () => undefined });
    stream.push('a');
    stream.complete();
    const seen: string[] = [];
    let completed = false;
    stream.observable.subscribe({ next: (item) => seen.push(item), complete: () => (completed = true) });
    expect(seen).toEqual(['a']);
    expect(completed).toBe(true);
  });

  it('a subscriber after the end of an observed stream gets completion only', () => {
    const stream = new HeldUntilSubscribed<string>(4, { overflowed: () => undefined });
    stream.observable.subscribe(() => undefined);
    stream.push('a');
    stream.complete();
    const seen: string[] = [];
    let completed = false;
    stream.observable.subscribe({ next: (item) => seen.push(item), complete: () => (completed = true) });
    expect(seen).toEqual([]);
    expect(completed).toBe(true);
  });
});
