import type { Message } from '@rx8583/iso8583';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { connect, createConnection$ } from '../src/connection/create-connection';
import type { Connection } from '../src/connection/types';
import type { ConnectionEvent } from '../src/connection/events';
import { framing } from '../src/framing/index';
import { ConnectionClosedError, FramingError } from '../src/errors';
import { linkSpec, msg, nextStan } from './support/link-spec';
import { Loopback } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

const PAN = '4111111111111111';
const loop = new Loopback();
afterEach(() => loop.closeAll());

describe('Connection: closing', () => {
  it('close() refuses new sends, lets onClose sign off, drains in-flight requests, then ends', async () => {
    const held: Message[] = [];
    const { port } = await startIssuer(loop, (conn, request) => {
      if (request.mti === '0100') held.push(request);
      else if (request.get(63) === 'SIGN-OFF') {
        approve(conn, request);
        // the held authorizations are answered only after the sign-off's response
        setImmediate(() => held.splice(0).forEach((r) => approve(conn, r)));
      } else approve(conn, request);
    });
    const during: { signOff?: Message; outsider?: unknown } = {};
    const conn = await connectClient(loop, port, {
      onClose: async (view) => {
        during.outsider = await conn.send(msg('0800', { 11: nextStan() })).catch((e: unknown) => e);
        during.signOff = await view.send(msg('0800', { 11: nextStan(), 63: 'SIGN-OFF' }));
      },
    });
    const inFlight = Array.from({ length: 10 }, () => conn.send(msg('0100', { 11: nextStan() })));
    await conn.send(msg('0800', { 11: nextStan() })); // one round trip later the server holds all 10
    expect(held).toHaveLength(10);

    const closing = conn.close();
    expect(conn.state).toBe('closing');
    await expect(conn.send(msg('0100', { 11: nextStan() }))).rejects.toThrow(
      new ConnectionClosedError('connection is closing'),
    );
    await closing;
    expect((await Promise.all(inFlight)).map((r) => r.mti)).toEqual(Array(10).fill('0110'));
    expect(during.signOff?.mti).toBe('0810');
    expect(during.outsider).toEqual(new ConnectionClosedError('connection is closing'));
    await expect(conn.closed).resolves.toEqual({ reason: 'local' });
    expect(conn.state).toBe('closed');
    await expect(conn.send(msg('0100', { 11: nextStan() }))).rejects.toThrow(
      new ConnectionClosedError('connection is closed'),
    );
    await expect(conn.reply(msg('0810', { 11: nextStan() }))).rejects.toThrow(
      new ConnectionClosedError('connection is closed'),
    );
    await expect(conn.write(Uint8Array.of(1))).rejects.toThrow(new ConnectionClosedError('connection is closed'));
    await expect(conn.close()).resolves.toBeUndefined(); // idempotent
  });

  it('reports an onClose failure on events$ and closes anyway', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port, {
      onClose: () => Promise.reject(new Error('sign-off refused')),
    });
    const events = lastValueFrom(conn.events$.pipe(toArray()));
    await conn.close();
    const types = (await events).map((e) => (e.type === 'error' ? `error: ${e.error.message}` : e.type));
    expect(types).toEqual(['connected', 'closing', 'error: sign-off refused', 'closed']);
  });

  it('does not let an onClose that never settles hold the close forever (bounded by sendTimeout)', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port, { sendTimeout: 30, onClose: () => new Promise(() => undefined) });
    const errors: string[] = [];
    conn.events$.subscribe((e) => e.type === 'error' && errors.push(e.error.message));
    await conn.close();
    expect(errors).toEqual(['onClose did not finish within 30 ms']);
    await expect(conn.closed).resolves.toEqual({ reason: 'local' });
  });

  it('rejects every pending send with ConnectionClosedError as the link ends when the server goes away', async () => {
    let endedAt = 0;
    const { port } = await loop.rawServer((socket) => {
      let received = 0;
      socket.on('data', (chunk) => {
        received += chunk.length;
        if (received >= 5 * 20) {
          endedAt = performance.now();
          socket.end();
        }
      });
    });
    const conn = await connectClient(loop, port, { sendTimeout: 30_000 });
    let rejected = 0;
    const pending = Array.from({ length: 5 }, () => conn.send(msg('0800', { 11: nextStan() })));
    const outcomes = Promise.all(
      pending.map((p) =>
        p.then(
          () => 'resolved',
          (e: unknown) => (rejected++, e),
        ),
      ),
    );
    // At once, as part of the end itself: all five are rejected by the time `closed` resolves, with
    // no timer involved (a wall-clock bound here would only measure how loaded the machine is).
    await expect(conn.closed.then((info) => ({ info, rejected }))).resolves.toEqual({
      info: { reason: 'peer' },
      rejected: 5,
    });
    for (const outcome of await outcomes) {
      expect(outcome).toEqual(new ConnectionClosedError('connection closed by the peer'));
    }
    // ... and so long before their 30 s sendTimeout.
    expect(performance.now() - endedAt).toBeLessThan(10_000);
  });

  it('rejects every pending send at once when the link is reset, with the network error as cause', async () => {
    const { port } = await loop.rawServer((socket) => {
      let received = 0;
      socket.on('data', (chunk) => {
        received += chunk.length;
        if (received >= 3 * 20) socket.resetAndDestroy(); // RST, not FIN
      });
    });
    let sends!: Promise<unknown[]>;
    const errored = new Promise<unknown>((resolve) =>
      createConnection$({ host: '127.0.0.1', port, spec: linkSpec, sendTimeout: 30_000 }).subscribe({
        next: (conn) => {
          loop.track(conn);
          const pending = Array.from({ length: 3 }, () => conn.send(msg('0800', { 11: nextStan() })));
          sends = Promise.all(
            pending.map((p) =>
              p.then(
                () => 'resolved',
                (e: unknown) => e,
              ),
            ),
          );
        },
        error: resolve,
      }),
    );
    const error = await errored;
    for (const outcome of await sends) {
      expect(outcome).toBeInstanceOf(ConnectionClosedError);
      expect((outcome as Error).cause).toMatchObject({ code: 'ECONNRESET' });
    }
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toMatch(/connection failed: .*ECONNRESET/);
  });

  it('says whether each failed request had reached the socket (ConnectionClosedError.written)', async () => {
    const { port } = await loop.rawServer((socket) => {
      socket.once('data', () => socket.end()); // the first request arrived: the peer hangs up
    });
    const conn = await connectClient(loop, port, { maxInFlight: 1 });
    const first = conn.send(msg('0100', { 11: nextStan() })).catch((e: unknown) => e);
    const second = conn.send(msg('0100', { 11: nextStan() })).catch((e: unknown) => e); // waits for the slot
    const [written, queued] = await Promise.all([first, second]);
    expect(written).toEqual(new ConnectionClosedError('connection closed by the peer'));
    expect((written as ConnectionClosedError).written).toBe(true);
    expect((queued as ConnectionClosedError).written).toBe(false);
  });

  it('settles the acks of queued replies and writes when the link ends: written ones resolve, the rest reject', async () => {
    let peer!: import('node:net').Socket;
    const { port } = await loop.rawServer((socket) => {
      peer = socket;
      socket.pause(); // reads nothing: our writes back up
    });
    const conn = await connectClient(loop, port);
    const body = new Uint8Array(60_000);
    const acks = Array.from({ length: 200 }, () =>
      conn.write(body).then(
        () => 'written',
        (e: unknown) => e,
      ),
    );
    const reply = conn.reply(msg('0810', { 11: nextStan() })).then(
      () => 'written',
      (e: unknown) => e,
    );
    await acks[0]; // the first frames reached the socket; the rest are queued behind a full buffer
    peer.resetAndDestroy();
    const outcomes = [...(await Promise.all(acks)), await reply];
    const failed = outcomes.filter((o) => o !== 'written');
    expect(outcomes[0]).toBe('written');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.filter((e) => !(e instanceof ConnectionClosedError && e.written === false))).toEqual([]);
    expect(outcomes[outcomes.length - 1]).toBeInstanceOf(ConnectionClosedError); // the reply was queued last
  });

  it('a graceful close waits for the response of a request in flight before ending the socket', async () => {
    const order: string[] = [];
    let answer!: () => void;
    let held!: () => void;
    const requestHeld = new Promise<void>((resolve) => (held = resolve));
    const { port } = await startIssuer(loop, (conn, request) => {
      answer = () => approve(conn, request);
      held();
    });
    const conn = await connectClient(loop, port);
    const sending = conn.send(msg('0100', { 11: nextStan() })).then((r) => order.push(`response ${r.mti}`));
    await requestHeld;
    const closingEvent = firstValueFrom(conn.events$.pipe(filter((e) => e.type === 'closing')));
    const closing = conn.close().then(() => order.push('closed'));
    await closingEvent;
    expect(conn.state).toBe('closing');
    order.push('closing');
    answer();
    await Promise.all([sending, closing]);
    expect(order).toEqual(['closing', 'response 0110', 'closed']);
  });

  it('closes with FramingError when the stream loses its framing, failing pending sends with it as cause', async () => {
    const { port } = await loop.rawServer((socket) => {
      socket.once('data', () => socket.write(Buffer.from([0xff, 0xff, 1, 2, 3]))); // 65535 > maxFrameLength
    });
    const conn = await connectClient(loop, port, { maxFrameLength: 1024 });
    const failure = await conn.send(msg('0800', { 11: nextStan() })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionClosedError);
    expect((failure as Error).cause).toBeInstanceOf(FramingError);
    const info = await conn.closed;
    expect(info.reason).toBe('error');
    expect(info.error).toBeInstanceOf(FramingError);
  });

  it('closes with FramingError when a frame is not complete within frameTimeout', async () => {
    const { port } = await loop.rawServer((socket) => {
      socket.once('data', () => socket.write(Buffer.from([0x00, 0x40, 0x30]))); // 64 bytes announced, 1 sent
    });
    const conn = await connectClient(loop, port, { frameTimeout: 50 });
    const pending = conn.send(msg('0800', { 11: nextStan() }));
    await expect(pending).rejects.toThrow(ConnectionClosedError);
    const info = await conn.closed;
    expect(info.reason).toBe('error');
    expect(info.error).toEqual(new FramingError('binary2 frame not complete within 50 ms (3 bytes of it arrived)', 0));
  });

  it('reports an undecodable message as unpackError without card data, and goes on', async () => {
    const binary2 = framing.binary2();
    const { port } = await loop.rawServer((socket) => {
      const decoder = binary2.decoder();
      socket.on('data', (chunk) => {
        for (const frame of decoder.push(chunk)) {
          // a response whose field 2 length is not numeric, with a PAN after it...
          const bitmap = Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0]);
          socket.write(binary2.encode(Buffer.concat([Buffer.from('0110'), bitmap, Buffer.from(`X${PAN}`)])));
          // ...then the real answer
          const response = Buffer.from(frame.body);
          response.write('0810', 0, 'ascii');
          socket.write(binary2.encode(response));
        }
      });
    });
    const conn = await connectClient(loop, port);
    const events: ConnectionEvent[] = [];
    conn.events$.subscribe((e) => events.push(e));
    const response = await conn.send(msg('0800', { 11: nextStan() }));
    expect(response.mti).toBe('0810');
    const unpackErrors = events.filter((e) => e.type === 'unpackError');
    expect(unpackErrors).toHaveLength(1);
    const { error } = unpackErrors[0] as Extract<ConnectionEvent, { type: 'unpackError' }>;
    expect([error.field, error.offset]).toEqual([2, 12]);
    expect(error.message).not.toMatch(/4111|111111/);
    expect(conn.state).toBe('open');
  });

  it('reports zero-length keep-alive frames and echoes them when echoKeepAlive is set', async () => {
    const received: Buffer[] = [];
    const { port } = await loop.rawServer((socket) => {
      socket.on('data', (chunk) => received.push(chunk));
      socket.write(Buffer.from([0, 0]));
    });
    const conn = await connectClient(loop, port, { echoKeepAlive: true });
    const keepAlive = await firstValueFrom(conn.events$.pipe(filter((e) => e.type === 'keepAlive')));
    expect(keepAlive).toEqual({ type: 'keepAlive', echoed: true });
    await conn.close();
    expect(Buffer.concat(received)).toEqual(Buffer.from([0, 0]));
  });

  it('ends events$ with closed and completes inbound$ and status$; late subscribers learn the end', async () => {
    const { port, server } = await startIssuer(loop);
    const serverSide = firstValueFrom(server.connections$);
    const conn = await connectClient(loop, port);
    const events = lastValueFrom(conn.events$.pipe(toArray()));
    const inbound = lastValueFrom(conn.inbound$.pipe(toArray()));
    const statuses = lastValueFrom(conn.status$.pipe(toArray()));
    await (await serverSide).close();
    await expect(conn.closed).resolves.toEqual({ reason: 'peer' });
    expect((await events).map((e) => e.type)).toEqual(['connected', 'closed']);
    await expect(inbound).resolves.toEqual([]);
    await expect(statuses).resolves.toEqual(['unknown']);
    await expect(lastValueFrom(conn.events$)).resolves.toEqual({ type: 'closed', reason: 'peer' });
  });

  it('completes an inbound$ first asked for after the link is gone (nothing ever arrived)', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port);
    await conn.close();
    await expect(lastValueFrom(conn.inbound$.pipe(toArray()))).resolves.toEqual([]);
  });

  it('destroys the socket after closeTimeout when the peer never completes the close', async () => {
    let peerSawEnd = false;
    const { port } = await loop.rawServer(
      (socket) => socket.on('end', () => (peerSawEnd = true)), // half-open: never ends its side
      { allowHalfOpen: true },
    );
    const conn = await connectClient(loop, port, { closeTimeout: 50 });
    await conn.close();
    expect(peerSawEnd).toBe(true);
    await expect(conn.closed).resolves.toEqual({ reason: 'local' });
  });
});

describe('createConnection$', () => {
  it('emits the connection, and completes when we close it', async () => {
    const { port } = await startIssuer(loop);
    const emitted: Connection[] = [];
    await new Promise<void>((resolve, reject) =>
      createConnection$({ host: '127.0.0.1', port, spec: linkSpec }).subscribe({
        next: (conn) => {
          emitted.push(loop.track(conn));
          void conn.close();
        },
        error: reject,
        complete: resolve,
      }),
    );
    expect(emitted).toHaveLength(1);
    await expect(emitted[0].closed).resolves.toEqual({ reason: 'local' });
  });

  it('errors with ConnectionClosedError when the peer ends the connection', async () => {
    const { port, server } = await startIssuer(loop);
    const serverSide = firstValueFrom(server.connections$);
    const error = new Promise<unknown>((resolve) =>
      createConnection$({ host: '127.0.0.1', port, spec: linkSpec }).subscribe({
        next: (conn) => loop.track(conn),
        error: resolve,
      }),
    );
    await (await serverSide).close();
    await expect(error).resolves.toEqual(new ConnectionClosedError('connection closed by the peer'));
  });

  it('unsubscribing closes the connection gracefully', async () => {
    const { port, server } = await startIssuer(loop);
    const serverSide = firstValueFrom(server.connections$);
    let resolveConn!: (conn: Connection) => void;
    const emitted = new Promise<Connection>((resolve) => (resolveConn = resolve));
    const subscription = createConnection$({ host: '127.0.0.1', port, spec: linkSpec }).subscribe((conn) =>
      resolveConn(loop.track(conn)),
    );
    const conn = await emitted;
    subscription.unsubscribe();
    await expect(conn.closed).resolves.toEqual({ reason: 'local' });
    await expect((await serverSide).closed).resolves.toEqual({ reason: 'peer' });
  });

  it('validates options up front', async () => {
    expect(() => createConnection$({ host: '', port: 1, spec: linkSpec })).toThrow(TypeError);
    expect(() => createConnection$({ host: 'h', port: 70_000, spec: linkSpec })).toThrow(RangeError);
    expect(() => createConnection$({ host: 'h', port: 1, spec: linkSpec, sendTimeout: -1 })).toThrow(/sendTimeout/);
    expect(() => createConnection$({ host: 'h', port: 1, spec: undefined as never })).toThrow(/spec is required/);
    await expect(connect({ host: 'h', port: 1, spec: linkSpec, maxInFlight: 1.5 })).rejects.toThrow(/maxInFlight/);
  });
});
