import { filter, firstValueFrom, take, toArray } from 'rxjs';
import type { ConnectionEvent } from '../src/connection/events';
import { SendTimeoutError, WriteTimeoutError } from '../src/errors';
import { msg, nextStan } from './support/link-spec';
import { Loopback } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

const PAN = '4111111111111111';
const loop = new Loopback();

/** A raw TCP peer that accepts a client but reads nothing until `resume()`: its buffers fill up. */
async function pausedPeer() {
  let socket: import('node:net').Socket | undefined;
  let closed: Promise<unknown> | undefined;
  let received = 0;
  const { port } = await loop.rawServer((accepted) => {
    socket = accepted;
    closed = new Promise((resolve) => accepted.once('close', resolve));
    accepted.pause();
    accepted.on('data', (chunk) => (received += chunk.length));
  });
  return {
    port,
    resume: () => socket!.resume(),
    closed: () => closed,
    received: () => received,
  };
}
afterEach(() => loop.closeAll());

const ofType = (type: ConnectionEvent['type']) => filter((e: ConnectionEvent) => e.type === type);

describe('Connection: timeouts, idle pings, read timeouts', () => {
  it('rejects with SendTimeoutError on time, naming the request but never its card data', async () => {
    const { port } = await startIssuer(loop, () => undefined); // a host that never answers
    const conn = await connectClient(loop, port, { sendTimeout: 40 });
    const stan = nextStan();
    const started = performance.now();
    const error = await conn.send(msg('0100', { 2: PAN, 11: stan, 41: 'TERM0001' })).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toEqual(new SendTimeoutError(`010|${stan}|TERM0001`, 40));
    expect((error as Error).message).not.toContain(PAN);
    expect(elapsed).toBeGreaterThanOrEqual(39);
    expect(elapsed).toBeLessThan(40 + 60);
    // a per-call timeout wins over the connection's
    const quick = performance.now();
    await expect(conn.send(msg('0100', { 11: nextStan() }), { timeout: 10 })).rejects.toMatchObject({ timeout: 10 });
    expect(performance.now() - quick).toBeLessThan(40);
    await expect(conn.send(msg('0100', { 11: nextStan() }), { timeout: 0 })).rejects.toThrow(RangeError);
  });

  it('calls ping when nothing was sent for idleTime, repeatedly, and never once closing started', async () => {
    let echoes = 0;
    const { port } = await startIssuer(loop, (conn, request) => {
      if (request.get(63) === 'ECHO') echoes++;
      // the sign-off is answered slowly: the link sits idle for several idleTimes while closing
      if (request.get(63) === 'SIGN-OFF') setTimeout(() => approve(conn, request), 80);
      else approve(conn, request);
    });
    const conn = await connectClient(loop, port, {
      idleTime: 15,
      ping: (c) => c.send(msg('0800', { 11: nextStan(), 63: 'ECHO' })),
      onClose: (c) => c.send(msg('0800', { 11: nextStan(), 63: 'SIGN-OFF' })),
    });
    const events: ConnectionEvent[] = [];
    conn.events$.subscribe((e) => events.push(e));
    await firstValueFrom(conn.events$.pipe(ofType('ping'), take(3), toArray()));
    const closingFrom = events.length;
    await conn.close();
    expect(events.slice(0, closingFrom).filter((e) => e.type === 'ping').length).toBeGreaterThanOrEqual(3);
    expect(echoes).toBeGreaterThanOrEqual(3);
    expect(events.slice(closingFrom).map((e) => e.type)).toEqual(['closing', 'closed']);
  });

  it('keeps pinging while idle even when ping sends nothing, and reports a failing ping', async () => {
    const { port } = await startIssuer(loop);
    let calls = 0;
    const conn = await connectClient(loop, port, {
      idleTime: 10,
      ping: () => {
        calls++;
        if (calls === 2) throw new Error('echo builder broke');
      },
    });
    const seen = await firstValueFrom(
      conn.events$.pipe(
        filter((e) => e.type === 'ping' || e.type === 'error'),
        take(4),
        toArray(),
      ),
    );
    expect(seen.map((e) => e.type)).toEqual(['ping', 'ping', 'error', 'ping']);
    expect(conn.state).toBe('open');
  });

  it('emits readTimeout each time nothing arrived for readTimeout, and stays open', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port, { readTimeout: 15 });
    const timeouts = await firstValueFrom(conn.events$.pipe(ofType('readTimeout'), take(2), toArray()));
    expect(timeouts).toEqual([
      { type: 'readTimeout', timeout: 15 },
      { type: 'readTimeout', timeout: 15 },
    ]);
    await expect(conn.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
  });
});

describe('Connection: flow control', () => {
  it('never has more than maxInFlight requests outstanding; the rest wait their turn', async () => {
    let outstanding = 0;
    let most = 0;
    const { port } = await startIssuer(loop, (conn, request) => {
      outstanding++;
      most = Math.max(most, outstanding);
      setImmediate(() => {
        outstanding--;
        approve(conn, request);
      });
    });
    const conn = await connectClient(loop, port, { maxInFlight: 3 });
    const stans = Array.from({ length: 40 }, () => nextStan());
    const responses = await Promise.all(stans.map((stan) => conn.send(msg('0100', { 11: stan }))));
    expect(responses.map((r) => r.get(11))).toEqual(stans);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
  });

  it('honours backpressure: writes wait while the peer does not read, and all arrive once it does', async () => {
    const peer = await pausedPeer();
    const { port } = peer;
    const conn = await connectClient(loop, port, { sendTimeout: 30_000 });
    const body = new Uint8Array(60_000).fill(0x30);
    const writes = Array.from({ length: 400 }, () => conn.write(body)); // 24 MB: more than socket buffers hold
    let settled = 0;
    writes.forEach((w) => void w.then(() => settled++));
    await writes[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBeLessThan(writes.length); // the rest wait for 'drain'
    peer.resume();
    await Promise.all(writes);
    await conn.close();
    await peer.closed();
    expect(peer.received()).toBe(400 * 60_002);
  });

  it('drops a write the peer would not take in time with WriteTimeoutError (it is never sent later)', async () => {
    const peer = await pausedPeer();
    const { port } = peer;
    const conn = await connectClient(loop, port, { sendTimeout: 50 });
    const body = new Uint8Array(60_000);
    const outcomes = await Promise.all(
      Array.from({ length: 400 }, () =>
        conn.write(body).then(
          () => 'written',
          (e: unknown) => e,
        ),
      ),
    );
    const written = outcomes.filter((o) => o === 'written').length;
    const timedOut = outcomes.filter((o) => o instanceof WriteTimeoutError).length;
    expect(written + timedOut).toBe(400);
    expect(timedOut).toBeGreaterThan(0);
    peer.resume();
    await conn.close();
    await peer.closed();
    expect(peer.received()).toBe(written * 60_002);
  });
});
