import * as net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { connect, createConnection$ } from '../src/connection/create-connection';
import { ConnectError, ConnectTimeoutError } from '../src/errors';
import { linkSpec, msg, nextStan } from './support/link-spec';
import { Loopback } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

const loop = new Loopback();
afterEach(() => loop.closeAll());
const ca = readFileSync(join(__dirname, 'fixtures', 'ca.crt'));

/** A port nobody listens on. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connect: dialing', () => {
  it('fails with ConnectError ECONNREFUSED when nothing listens', async () => {
    const port = await freePort();
    const error = await connect({ host: '127.0.0.1', port, spec: linkSpec }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', address: `127.0.0.1:${port}` });
    expect((error as Error).message).toMatch(`connecting to 127.0.0.1:${port} failed`);
  });

  it('fails with ConnectTimeoutError when the TLS handshake never completes', async () => {
    const { port } = await loop.rawServer(() => undefined); // accepts TCP, never speaks TLS
    const started = performance.now();
    const error = await connect({ host: '127.0.0.1', port, spec: linkSpec, tls: { ca }, connectTimeout: 50 }).catch(
      (e: unknown) => e,
    );
    expect(error).toEqual(new ConnectTimeoutError(`127.0.0.1:${port}`, 50));
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
  });

  it('stops dialing when the AbortSignal fires, or at once if it already has', async () => {
    const controller = new AbortController();
    const { port } = await loop.rawServer(() => controller.abort(new Error('shutting down')));
    const error = await connect({
      host: '127.0.0.1',
      port,
      spec: linkSpec,
      tls: { ca },
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: 'ABORT_ERR' });
    expect((error as Error).cause).toEqual(new Error('shutting down'));
    await expect(connect({ host: '127.0.0.1', port, spec: linkSpec, signal: controller.signal })).rejects.toMatchObject(
      {
        code: 'ABORT_ERR',
      },
    );
  });

  it('createConnection$ errors with the dial failure', async () => {
    const port = await freePort();
    const outcome = await lastValueFrom(
      createConnection$({ host: '127.0.0.1', port, spec: linkSpec }).pipe(toArray()),
    ).catch((e: unknown) => e);
    expect(outcome).toMatchObject({ name: 'ConnectError', code: 'ECONNREFUSED' });
  });
});

describe('connect: onConnect', () => {
  it('runs onConnect (a sign-on) before the connection is handed out', async () => {
    const seen: unknown[] = [];
    const { port } = await startIssuer(loop, (c, request) => {
      seen.push(request.get(63));
      approve(c, request);
    });
    const conn = await connectClient(loop, port, {
      onConnect: async (c) => {
        const response = await c.send(msg('0800', { 11: nextStan(), 63: 'SIGN-ON' }));
        if (response.get(39) === '00') c.status = 'online';
      },
    });
    expect(conn.status).toBe('online');
    await conn.send(msg('0800', { 11: nextStan(), 63: 'AFTER' }));
    expect(seen).toEqual(['SIGN-ON', 'AFTER']);
  });

  it('fails connect and closes the socket when onConnect rejects', async () => {
    const { port, server } = await startIssuer(loop);
    const serverSide = firstValueFrom(server.connections$);
    const refusal = new Error('sign-on declined: 91');
    const error = await connect({
      host: '127.0.0.1',
      port,
      spec: linkSpec,
      onConnect: () => Promise.reject(refusal),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: 'ON_CONNECT', cause: refusal });
    expect((error as Error).message).toMatch(/onConnect failed: sign-on declined: 91/);
    await expect((await serverSide).closed).resolves.toMatchObject({ reason: expect.stringMatching(/peer|error/) });
  });

  it('createConnection$ emits only after onConnect and fails with its rejection', async () => {
    const { port } = await startIssuer(loop);
    const order: string[] = [];
    const conn = loop.track(
      await firstValueFrom(
        createConnection$({
          host: '127.0.0.1',
          port,
          spec: linkSpec,
          onConnect: async (c) => {
            await c.send(msg('0800', { 11: nextStan() }));
            order.push('onConnect done');
          },
        }),
      ),
    );
    order.push('emitted');
    expect(order).toEqual(['onConnect done', 'emitted']);
    await conn.close();
    await expect(
      firstValueFrom(
        createConnection$({
          host: '127.0.0.1',
          port,
          spec: linkSpec,
          onConnect: () => {
            throw new Error('no');
          },
        }),
      ),
    ).rejects.toMatchObject({ code: 'ON_CONNECT' });
  });

  it('aborting during a hanging onConnect fails the connect and closes the connection', async () => {
    const controller = new AbortController();
    const { port } = await startIssuer(loop);
    const error = await connect({
      host: '127.0.0.1',
      port,
      spec: linkSpec,
      signal: controller.signal,
      onConnect: () => {
        controller.abort();
        return new Promise(() => undefined); // never settles
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ConnectError', code: 'ABORT_ERR' });
    expect((error as Error).message).toMatch(/aborted during onConnect/);
  });
});

/**
 * The kernel's timer on the client socket 127.0.0.1:`port` → 127.0.0.1:`serverPort` (Linux
 * `/proc/net/tcp`, column `tr:tm->when`): `02` is the keep-alive timer, `00` none.
 */
function tcpTimer(port: number, serverPort: number): string | undefined {
  const loopback = (p: number) => `0100007F:${p.toString(16).toUpperCase().padStart(4, '0')}`;
  const row = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    // The whole 4-tuple, ESTABLISHED (state 01): on a busy machine another socket can share the local
    // port number (towards another peer), and a TIME_WAIT socket of an earlier test the whole tuple.
    .find((columns) => columns[1] === loopback(port) && columns[2] === loopback(serverPort) && columns[3] === '01');
  return row?.[5]?.slice(0, 2);
}

const onLinux = existsSync('/proc/net/tcp') ? describe : describe.skip;

onLinux('dialled links: TCP keep-alive', () => {
  it('is on by default and off with tcpKeepAlive: false (the kernel arms its keep-alive timer)', async () => {
    const { server, port } = await startIssuer(loop);
    const clientPorts: number[] = [];
    server.connections$.subscribe((conn) => clientPorts.push(Number(conn.remoteAddress.split(':').pop())));
    const withKeepAlive = await connectClient(loop, port);
    const without = await connectClient(loop, port, { tcpKeepAlive: false });
    await withKeepAlive.send(msg('0800', { 11: nextStan() })); // both are up on the server side too
    await without.send(msg('0800', { 11: nextStan() }));
    expect(clientPorts.map((clientPort) => tcpTimer(clientPort, port))).toEqual(['02', '00']);
    await expect(connectClient(loop, port, { tcpKeepAlive: 0 })).rejects.toThrow(
      'connect: options.tcpKeepAlive must be a positive number of milliseconds, got the number 0',
    );
  });
});
