import * as net from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import { framing } from '../src/framing/index';
import type { ConnectionEvent } from '../src/connection/events';
import { ConnectionClosedError, WriteTimeoutError } from '../src/errors';
import { msg, nextStan } from './support/link-spec';
import { Loopback } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

// Flow control (connection/flow-control.ts) over real sockets: room for sends, read holds, write stalls.

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

describe('flow control', () => {
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
