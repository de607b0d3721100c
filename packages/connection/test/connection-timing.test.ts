import * as net from 'node:net';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import type { ConnectionEvent } from '../src/connection/events';
import { ConnectionClosedError, ReadTimeoutError, SendTimeoutError } from '../src/errors';
import { msg, nextStan } from './support/link-spec';
import { Loopback } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

const PAN = '4111111111111111';
const loop = new Loopback();

afterEach(() => loop.closeAll());

const ofType = (type: ConnectionEvent['type']) => filter((e: ConnectionEvent) => e.type === type);

describe('Connection: timeouts, idle pings, read timeouts', () => {
  it('rejects with SendTimeoutError on time, naming the request but never its card data', async () => {
    const { port } = await startIssuer(loop, () => undefined); // a host that never answers
    const conn = await connectClient(loop, port, { sendTimeout: 40 });
    const stan = nextStan();
    const started = performance.now();
    const sent = conn.send(msg('0100', { 2: PAN, 11: stan, 41: 'TERM0001' })).catch((e: unknown) => e);
    // "On time" without a wall-clock bound, which a loaded machine breaks: Node runs due timers in
    // deadline order and settles promises between them, so a send timeout that is on time settles
    // before a 100 ms timer armed after the send, however late the event loop gets to both.
    let laterTimerFired = false;
    const laterTimer = setTimeout(() => (laterTimerFired = true), 40 + 60);
    const error = await sent;
    const elapsed = performance.now() - started;
    clearTimeout(laterTimer);
    expect(laterTimerFired).toBe(false);
    expect(error).toEqual(new SendTimeoutError(`010|${stan}|TERM0001`, 40));
    expect((error as Error).message).not.toContain(PAN);
    expect(elapsed).toBeGreaterThanOrEqual(39);
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
      sends.push(conn.send(msg('0800', { 11: nextStan() }), { timeout: 1_000 }).catch(() => undefined));
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
