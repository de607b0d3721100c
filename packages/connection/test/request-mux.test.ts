import type { Message } from '@rx8583/iso8583';
import { DuplicateRequestError, SendTimeoutError, ConnectionClosedError } from '../src/errors';
import { LinkEnd } from '../src/connection/link-end';
import { RequestMux, type OutboundRequest } from '../src/connection/request-mux';
import { ManualClock } from './support/manual-clock';

const response = (name: string) => ({ name }) as unknown as Message;
const request = { mti: '0100' } as unknown as Message;
/** Settles the written request pending under `key`; false when there is none. */
const settles = (m: RequestMux, key: string, reply: Message) => m.settle(key, reply) !== undefined;

/** Registers a request whose one-byte frame is `n`. */
const send = (m: RequestMux, key: string, n: number, timeout: number) =>
  m.register(key, request, Uint8Array.of(n), Uint8Array.of(n), undefined, timeout);

describe('RequestMux (pending requests of one connection)', () => {
  let clock: ManualClock;
  let written: number[];
  let timedOut: string[];
  let end: LinkEnd;
  let room: boolean;

  beforeEach(() => {
    clock = new ManualClock();
    written = [];
    timedOut = [];
    end = new LinkEnd();
    room = true;
  });
  const host = {
    write: (request: OutboundRequest) => written.push(request.frame[0]!) - 1,
    // in these tests, the first two frames written reached the socket
    wasWritten: (position: number) => position < 2,
    hasRoom: () => room,
    ended: (request: OutboundRequest, outcome: string) => {
      if (outcome === 'timedOut') timedOut.push(request.key);
    },
  };
  const mux = (maxInFlight = Infinity) => new RequestMux(host, maxInFlight, end, clock);

  it('writes a request at once and resolves it with the response for its key', async () => {
    const m = mux();
    const pending = send(m, 'k1', 1, 1000);
    expect(written).toEqual([1]);
    expect(settles(m, 'k1', response('r1'))).toBe(true);
    await expect(pending).resolves.toEqual({ name: 'r1' });
    expect(m.size).toBe(0);
    expect(settles(m, 'k1', response('again'))).toBe(false);
  });

  it('refuses a second request with a pending key and leaves the first untouched', async () => {
    const m = mux();
    const first = send(m, 'k', 1, 1000);
    expect(() => send(m, 'k', 2, 1000)).toThrow(DuplicateRequestError);
    expect(written).toEqual([1]);
    settles(m, 'k', response('r'));
    await expect(first).resolves.toEqual({ name: 'r' });
  });

  it('times out with SendTimeoutError and then no longer claims the late response', async () => {
    const m = mux();
    const pending = send(m, 'k', 1, 500);
    clock.advance(500);
    await expect(pending).rejects.toEqual(new SendTimeoutError('k', 500));
    expect(timedOut).toEqual(['k']);
    expect(settles(m, 'k', response('late'))).toBe(false);
  });

  it('holds requests beyond maxInFlight, their timeout counted from the send, waiting included', async () => {
    const m = mux(2);
    const a = send(m, 'a', 1, 100);
    const b = send(m, 'b', 2, 100);
    const c = send(m, 'c', 3, 150);
    expect(written).toEqual([1, 2]);
    clock.advance(90);
    settles(m, 'a', response('ra'));
    expect(written).toEqual([1, 2, 3]); // c got a's slot
    clock.advance(10); // b times out at 100
    await expect(b).rejects.toBeInstanceOf(SendTimeoutError);
    clock.advance(50); // c times out 150 ms after its send, though written at 90
    await expect(c).rejects.toEqual(new SendTimeoutError('c', 150));
    await expect(a).resolves.toEqual({ name: 'ra' });
  });

  it('holds requests while the write path has no room, in order, and admits them when asked', async () => {
    const m = mux();
    room = false;
    const a = send(m, 'a', 1, 1000);
    const b = send(m, 'b', 2, 50);
    const c = send(m, 'c', 3, 1000);
    expect(written).toEqual([]);
    clock.advance(50); // waiting for room counts against the timeout
    await expect(b).rejects.toEqual(new SendTimeoutError('b', 50));
    m.admitWaiting();
    expect(written).toEqual([]); // still no room
    room = true;
    const d = send(m, 'd', 4, 1000); // never overtakes the requests already waiting
    expect(written).toEqual([]);
    m.admitWaiting();
    expect(written).toEqual([1, 3, 4]);
    for (const [key, p] of [
      ['a', a],
      ['c', c],
      ['d', d],
    ] as const) {
      settles(m, key, response(key));
      await expect(p).resolves.toEqual({ name: key });
    }
  });

  it('does not take a response for a request still waiting for its slot', () => {
    const m = mux(1);
    void send(m, 'a', 1, 100).catch(() => undefined);
    void send(m, 'b', 2, 100).catch(() => undefined);
    expect(settles(m, 'b', response('too early'))).toBe(false);
    end.end('local');
    m.rejectAll();
  });

  it('rejectAll settles every request at once, written or waiting, and writes nothing more', async () => {
    const m = mux(1);
    const all = [send(m, 'a', 1, 1000), send(m, 'b', 2, 1000)];
    end.end('peer');
    m.rejectAll();
    for (const p of all) await expect(p).rejects.toThrow(new ConnectionClosedError('connection closed by the peer'));
    expect(written).toEqual([1]);
    expect(m.size).toBe(0);
  });

  it('says in each ConnectionClosedError whether its request had reached the socket (written)', async () => {
    const m = mux(3);
    // positions 0 and 1 reached the socket (see host.wasWritten), 2 is still queued, 3 waits for a slot
    const all = [send(m, 'a', 1, 1000), send(m, 'b', 2, 1000), send(m, 'c', 3, 1000), send(m, 'd', 4, 1000)];
    end.end('error', new Error('socket reset'));
    m.rejectAll();
    const errors = (await Promise.allSettled(all)).map((s) => (s as PromiseRejectedResult).reason as unknown);
    expect(errors.map((e) => e instanceof ConnectionClosedError && e.written)).toEqual([true, true, false, false]);
    expect(errors.map((e) => (e as Error).message)).toEqual(Array(4).fill('connection failed: socket reset'));
  });

  it('reject(key) settles one request with the given error', async () => {
    const m = mux();
    const pending = send(m, 'k', 1, 1000);
    expect(m.reject('k', new Error('refused'))).toBe(true);
    await expect(pending).rejects.toThrow('refused');
    expect(m.reject('k', new Error('twice'))).toBe(false);
  });

  it('whenIdle resolves once the last pending request settles', async () => {
    const m = mux();
    await m.whenIdle();
    void send(m, 'a', 1, 1000);
    const b = send(m, 'b', 2, 50);
    let idle = false;
    const waiting = m.whenIdle().then(() => (idle = true));
    settles(m, 'a', response('ra'));
    await Promise.resolve();
    expect(idle).toBe(false);
    clock.advance(50);
    await expect(b).rejects.toBeInstanceOf(SendTimeoutError);
    await waiting;
    expect(idle).toBe(true);
  });
  it('treats keys named like Object.prototype members or array indexes as ordinary keys', async () => {
    const m = mux();
    const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '4294967296', '0800|000001|'];
    const pending = keys.map((key, i) => send(m, key, i, 1000));
    expect(m.size).toBe(keys.length);
    for (const key of keys) expect(m.has(key)).toBe(true);
    expect(m.has('valueOf')).toBe(false);
    expect(settles(m, 'valueOf', response('stray'))).toBe(false);
    expect(() => send(m, '__proto__', 9, 1000)).toThrow(DuplicateRequestError);
    keys.forEach((key) => expect(settles(m, key, response(key))).toBe(true));
    await expect(Promise.all(pending)).resolves.toEqual(keys.map((name) => ({ name })));
    expect(m.size).toBe(0);
    expect(m.has('__proto__')).toBe(false);
  });

  it('keeps up with many sends and settles over a long insert/delete churn', async () => {
    const m = mux();
    const live: Promise<Message>[] = [];
    for (let i = 0; i < 5_000; i++) {
      live.push(send(m, `k${i}`, i & 0xff, 1000));
      if (i >= 100) expect(settles(m, `k${i - 100}`, response(`r${i - 100}`))).toBe(true);
    }
    expect(m.size).toBe(100);
    end.end('local');
    m.rejectAll();
    const settled = await Promise.allSettled(live);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(4_900);
    expect(settled.slice(4_900).every((s) => s.status === 'rejected')).toBe(true);
    expect(m.size).toBe(0);
  });
});
