import * as net from 'node:net';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { framing } from '../src/framing/index';
import type { ConnectionEvent } from '../src/connection/events';
import { ConnectionClosedError, ReadTimeoutError, SendTimeoutError, WriteTimeoutError } from '../src/errors';
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
    // a per-call timeout wins over the connection's (the error names the timeout that expired)
    await expect(conn.send(msg('0100', { 11: nextStan() }), { timeout: 10 })).rejects.toMatchObject({ timeout: 10 });
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

describe('Connection: what drives the timers', () => {
  it('readTimeout counts only inbound bytes: sending all the time does not keep it quiet', async () => {
    const { port } = await startIssuer(loop, () => undefined); // reads everything, answers nothing
    const conn = await connectClient(loop, port, { readTimeout: 100 });
    let sending = true;
    const sends: Promise<unknown>[] = [];
    const pump = (): void => {
      if (!sending) return;
      sends.push(conn.send(msg('0800', { 11: nextStan() }), { timeout: 5_000 }).catch(() => undefined));
      setTimeout(pump, 10);
    };
    pump();
    await firstValueFrom(conn.events$.pipe(ofType('readTimeout')));
    sending = false;
    expect(sends.length).toBeGreaterThan(1);
  });

  it('idlePing counts only outbound writes: a peer that talks all the time does not keep it quiet', async () => {
    const { port, accepted } = await startIssuer(loop);
    const pings: number[] = [];
    const conn = await connectClient(loop, port, { idleTime: 100, ping: () => void pings.push(1) });
    conn.inbound$.subscribe(() => undefined); // the peer's messages are read, never answered
    await conn.send(msg('0800', { 11: nextStan() }));
    const serverSide = accepted[0]!;
    let talking = true;
    const talk = (): void => {
      if (!talking) return;
      void serverSide.reply(msg('0800', { 11: nextStan() })).catch(() => undefined);
      setTimeout(talk, 10);
    };
    talk();
    await firstValueFrom(conn.events$.pipe(ofType('ping')));
    talking = false;
    expect(pings).toEqual([1]);
  });
});

describe('Connection: closeOnReadTimeout', () => {
  it('a link a server accepts closes at readTimeout by default: the event first, then ReadTimeoutError', async () => {
    const { server, port } = await startIssuer(loop, approve, { readTimeout: 50 });
    const accepted = firstValueFrom(server.connections$);
    const silent = loop.trackSocket(net.connect(port, '127.0.0.1')); // connects and never speaks
    silent.resume(); // (it reads, so it learns of the close)
    const clientClosed = new Promise((resolve) => silent.once('close', resolve));
    const serverSide = await accepted;
    const events = lastValueFrom(serverSide.events$.pipe(toArray()));
    const pending = serverSide.send(msg('0800', { 11: nextStan() })).catch((e: unknown) => e);
    const types = (await events).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['readTimeout', 'closed']);
    await expect(serverSide.closed).resolves.toEqual({ reason: 'error', error: new ReadTimeoutError(50) });
    const failed = await pending;
    expect(failed).toBeInstanceOf(ConnectionClosedError);
    expect((failed as Error).cause).toEqual(new ReadTimeoutError(50));
    await clientClosed; // the silent socket was let go
  });

  it('a dialled link stays open unless closeOnReadTimeout is set', async () => {
    const { port } = await startIssuer(loop, approve, { readTimeout: 60_000 });
    const open = await connectClient(loop, port, { readTimeout: 20 });
    await firstValueFrom(open.events$.pipe(ofType('readTimeout')));
    expect(open.state).toBe('open');
    const closing = await connectClient(loop, port, { readTimeout: 20, closeOnReadTimeout: true });
    await expect(closing.closed).resolves.toEqual({ reason: 'error', error: new ReadTimeoutError(20) });
    await expect(connectClient(loop, port, { closeOnReadTimeout: 'yes' as never })).rejects.toThrow(
      'connect: options.closeOnReadTimeout must be a boolean',
    );
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

  it('closes the link when the socket accepts nothing for writeTimeout, settling every send and write', async () => {
    const peer = await pausedPeer();
    const conn = await connectClient(loop, peer.port, { writeTimeout: 100, sendTimeout: 30_000 });
    const body = new Uint8Array(60_000);
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => 'written',
        (e: unknown) => e,
      );
    const writes = Array.from({ length: 400 }, () => settle(conn.write(body)));
    const send = settle(conn.send(msg('0800', { 11: nextStan() })));
    const outcomes = await Promise.all(writes);
    const failed = outcomes.filter((o) => o !== 'written');
    expect(failed.length).toBeGreaterThan(0);
    for (const error of [...failed, await send]) {
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as Error).cause).toEqual(new WriteTimeoutError(100));
    }
    const info = await conn.closed;
    expect(info).toEqual({ reason: 'error', error: new WriteTimeoutError(100) });
    expect(info.error?.message).toBe('could not write within 100 ms: the peer is not reading (socket buffer full)');
  });

  it('stops reading while replies exceed maxQueuedBytes, and reads on once the peer reads them', async () => {
    const total = 60_000; // ~8 MB of requests, and as much in replies: more than the socket buffers take
    let handled = 0;
    let allHandled!: () => void;
    const done = new Promise<void>((resolve) => (allHandled = resolve));
    const { server, port } = await startIssuer(
      loop,
      (conn, request) => {
        approve(conn, request);
        if (++handled === total) allHandled();
      },
      { maxQueuedBytes: 64 * 1024, readTimeout: 300, closeOnReadTimeout: false },
    );
    const accepted = firstValueFrom(server.connections$);
    // A client that writes all its requests and reads no reply until told to.
    const client = loop.trackSocket(net.connect(port, '127.0.0.1'));
    client.pause();
    const request = Buffer.from(
      framing.binary2().encode(msg('0100', { 2: PAN, 11: '000001', 63: 'x'.repeat(90) }).pack()),
    );
    for (let i = 0; i < total; i++) client.write(request);
    const serverSide = await accepted;
    // The server hears nothing for readTimeout while the client still has requests to send: it paused.
    await firstValueFrom(serverSide.events$.pipe(ofType('readTimeout')));
    expect(handled).toBeLessThan(total);
    expect(serverSide.state).toBe('open');
    client.on('data', () => undefined);
    client.resume(); // reading the replies frees the server's queue: it reads on
    await done;
    expect(handled).toBe(total);
  });

  it('two rx8583 peers sending each other requests flat out never deadlock: every send gets its response', async () => {
    const each = 10_000;
    const limits = { maxQueuedBytes: 16 * 1024, sendTimeout: 60_000 };
    const { server, port } = await startIssuer(loop, approve, limits);
    const accepted = firstValueFrom(server.connections$);
    const client = await connectClient(loop, port, limits);
    client.inbound$.subscribe((request) => approve(client, request));
    const serverSide = await accepted;
    const filler = 'y'.repeat(90);
    const flood = (conn: typeof client, from: number) =>
      Promise.all(
        Array.from({ length: each }, (_, i) =>
          conn.send(msg('0100', { 11: String(from + i).padStart(6, '0'), 63: filler })).then((r) => r.get(39)),
        ),
      );
    const [fromClient, fromServer] = await Promise.all([flood(client, 1), flood(serverSide, 500_001)]);
    expect(fromClient.filter((code) => code === '00')).toHaveLength(each);
    expect(fromServer.filter((code) => code === '00')).toHaveLength(each);
  });
});
