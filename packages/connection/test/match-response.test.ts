import type { Message } from '@rx8583/iso8583';
import { TestScheduler } from 'rxjs/testing';
import { matchResponse, matchResponseItems, type ResponseTarget } from '../src/operators/match-response';
import { defaultRequestKey } from '../src/operators/request-key';
import { msg } from './support/link-spec';

/** Pending requests by key; records which responses it took. */
class Pending implements ResponseTarget {
  readonly taken: Message[] = [];
  constructor(private readonly keys: Set<string>) {}
  resolve(key: string, response: Message): boolean {
    if (!this.keys.delete(key)) return false;
    this.taken.push(response);
    return true;
  }
}

const pendingFor = (...requests: Message[]) => new Pending(new Set(requests.map(defaultRequestKey)));

describe('matchResponse', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('takes the responses of pending requests out of the stream and lets everything else through', () => {
    const request = msg('0100', { 11: '000001' });
    const values = {
      r: msg('0110', { 11: '000001', 39: '00' }), // answers the pending 0100
      q: msg('0800', { 11: '000002' }), // a request from the peer
      u: msg('0810', { 11: '999999' }), // a response nobody waits for
    };
    const pending = pendingFor(request);
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-q-r-u-|', values);
      expectObservable(source.pipe(matchResponse(pending))).toBe('-q---u-|', values);
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
    expect(pending.taken).toEqual([values.r]);
  });

  it('matches a stream of items by the message each carries, handing the item to the target (matchResponseItems)', () => {
    type Item = { message: Message; bytes: string };
    const request = msg('0100', { 11: '000001' });
    const values: Record<string, Item> = {
      r: { message: msg('0110', { 11: '000001', 39: '00' }), bytes: 'response' },
      q: { message: msg('0800', { 11: '000002' }), bytes: 'peer request' },
    };
    const keys = new Set([defaultRequestKey(request)]);
    const taken: Item[] = [];
    const target: ResponseTarget<Item> = {
      resolve: (key, item) => keys.delete(key) && taken.push(item) > 0,
    };
    scheduler.run(({ cold, expectObservable }) => {
      const matched = cold('-r-q|', values).pipe(matchResponseItems(target, defaultRequestKey, (item) => item.message));
      expectObservable(matched).toBe('---q|', values);
    });
    expect(taken).toEqual([values.r]);
  });

  it('never takes a non-response MTI, even one reusing the STAN of a pending request', () => {
    const authorization = msg('0100', { 11: '000123' });
    const values = {
      q: msg('0100', { 11: '000123' }), // the peer's own 0100: the same key, but a request
      v: msg('0400', { 11: '000123' }), // reversal reusing the STAN
      w: msg('0410', { 11: '000123' }), // its response: class 040, not 010
      a: msg('0110', { 11: '000123' }), // the authorization's response
    };
    const pending = pendingFor(authorization);
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-q-v-w-a|', values).pipe(matchResponse(pending))).toBe('-q-v-w--|', values);
    });
    expect(pending.taken).toEqual([values.a]);
  });

  it('a response counts once: a duplicate of an answered response passes through as unknown', () => {
    const pending = pendingFor(msg('0200', { 11: '000007', 41: 'TERM0001' }));
    const values = {
      a: msg('0210', { 11: '000007', 41: 'TERM0001' }),
      b: msg('0210', { 11: '000007', 41: 'TERM0001' }),
      c: msg('0210', { 11: '000007', 41: 'TERM0002' }), // other terminal: other key
    };
    scheduler.run(({ hot, expectObservable }) => {
      expectObservable(hot('--a-b-c-|', values).pipe(matchResponse(pending))).toBe('----b-c-|', values);
    });
    expect(pending.taken).toEqual([values.a]);
  });

  it('lets through a response whose key cannot be computed (no STAN), without asking the target', () => {
    const values = { n: msg('0810') };
    const asked: string[] = [];
    const target: ResponseTarget = { resolve: (key) => asked.push(key) > 0 };
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-n|', values).pipe(matchResponse(target))).toBe('-n|', values);
    });
    expect(asked).toEqual([]);
  });

  it('uses a custom requestKey for both sides', () => {
    const byField4 = (m: Message) => String(m.get(4));
    const pending = new Pending(new Set(['000000001500']));
    const values = { r: msg('0110', { 4: '1500' }), s: msg('0110', { 4: '2500' }) };
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-r-s|', values).pipe(matchResponse(pending, byField4))).toBe('---s|', values);
    });
    expect(pending.taken).toEqual([values.r]);
  });

  it('propagates errors and unsubscribes from the source when the consumer does', () => {
    scheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const failing = cold<Message>('-#', {}, new Error('socket reset'));
      expectObservable(failing.pipe(matchResponse(pendingFor()))).toBe('-#', {}, new Error('socket reset'));
      const endless = hot('-q-q-q-q', { q: msg('0800', { 11: '000001' }) });
      expectObservable(endless.pipe(matchResponse(pendingFor())), '^--!').toBe('-q-', {
        q: msg('0800', { 11: '000001' }),
      });
      expectSubscriptions(endless.subscriptions).toBe('^--!');
    });
  });

  it('validates its arguments', () => {
    expect(() => matchResponse(undefined as unknown as ResponseTarget)).toThrow(TypeError);
    expect(() => matchResponse(pendingFor(), 'key' as never)).toThrow('matchResponse: requestKey must be a function');
  });
});
