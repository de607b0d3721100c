import * as net from 'node:net';
import { inspect } from 'node:util';
import { filter, firstValueFrom, take, toArray, type Observable } from 'rxjs';
import { createServer } from '../src/server/server';
import type { ServerEvent, ServerRejectedEvent } from '../src/server/server-types';
import { linkSpec, msg, nextStan } from './support/link-spec';
import { Loopback, once } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

const loop = new Loopback();
afterEach(() => loop.closeAll());

const rejections = (events$: Observable<ServerEvent>) =>
  firstValueFrom(events$.pipe(filter((e): e is ServerRejectedEvent => e.type === 'rejected')));

/** A raw TCP socket that connects and then says nothing; resolves once connected. */
async function silentSocket(port: number, localAddress = '127.0.0.1'): Promise<net.Socket> {
  const socket = loop.trackSocket(net.connect({ port, host: '127.0.0.1', localAddress }));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** Resolves when the server has closed `socket` (its end arrives, or a reset). */
const closedByServer = (socket: net.Socket) =>
  new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
    socket.resume();
  });

describe('server admission', () => {
  it('holds 1 024 sockets at most by default', () => {
    const server = loop.trackServer(createServer({ spec: linkSpec }));
    expect(server.toJSON().maxConnections).toBe(1024);
  });

  it('closes a socket beyond maxConnections at once, reports why, and admits again when a slot frees', async () => {
    const { port, server } = await startIssuer(loop, approve, { maxConnections: 2 });
    const silent = [await silentSocket(port), await silentSocket(port)];
    const rejected = rejections(server.events$);
    const third = await silentSocket(port);
    await closedByServer(third);
    expect(await rejected).toEqual({
      type: 'rejected',
      remoteAddress: `127.0.0.1:${third.localPort}`,
      reason: 'maxConnections',
    });
    silent[0]!.destroy();
    await once(silent[0]!, 'close');
    // The slot frees when the server sees the close; retry until it has (each refusal is immediate).
    for (;;) {
      const client = await connectClient(loop, port);
      const served = await client.send(msg('0800', { 11: nextStan() })).then(
        () => true,
        () => false,
      );
      if (served) break;
    }
    expect(server.connections.size).toBe(2); // the silent socket left is a connection too
  });

  it('serves real clients again once silent sockets holding every slot reach their readTimeout', async () => {
    // The silent sockets must still hold both slots when the early client comes: 2 s, as 300 ms can
    // pass between two accepts on a loaded machine (the early client was then served, never refused).
    const { port, server } = await startIssuer(loop, approve, { maxConnections: 2, readTimeout: 2_000 });
    const silentLinks = firstValueFrom(server.connections$.pipe(take(2), toArray()));
    await silentSocket(port);
    await silentSocket(port);
    const rejected = rejections(server.events$);
    const early = await connectClient(loop, port);
    await expect(early.closed).resolves.toMatchObject({ reason: expect.stringMatching(/peer|error/) });
    expect(await rejected).toMatchObject({ reason: 'maxConnections' });
    // the server closes them at readTimeout; their slots are free once it has
    const closed = await Promise.all((await silentLinks).map((link) => link.closed));
    expect(closed.map((info) => info.error?.name)).toEqual(['ReadTimeoutError', 'ReadTimeoutError']);
    const client = await connectClient(loop, port);
    await expect(client.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
  });

  it('limits the sockets of one source with maxConnectionsPerSource, not those of others', async () => {
    const { port, server } = await startIssuer(loop, approve, { maxConnectionsPerSource: 1 });
    await silentSocket(port, '127.0.0.1');
    const rejected = rejections(server.events$);
    const second = await silentSocket(port, '127.0.0.1');
    await closedByServer(second);
    expect(await rejected).toMatchObject({ reason: 'maxConnectionsPerSource' });
    const accepted = firstValueFrom(
      server.events$.pipe(filter((e) => e.type === 'connection' || e.type === 'rejected')),
    );
    await silentSocket(port, '127.0.0.2');
    expect(await accepted).toEqual({ type: 'connection', remoteAddress: expect.stringMatching(/^127\.0\.0\.2:/) });
  });

  it('accepts only the sources on the allow list', async () => {
    const { port: open } = await startIssuer(loop, approve, { allow: ['10.0.0.0/8', '127.0.0.1'] });
    const client = await connectClient(loop, open);
    await expect(client.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });

    const { port: closed, server } = await startIssuer(loop, approve, { allow: ['10.0.0.0/8', '::1'] });
    const rejected = rejections(server.events$);
    await closedByServer(await silentSocket(closed));
    expect(await rejected).toMatchObject({
      reason: 'notAllowed',
      remoteAddress: expect.stringMatching(/^127\.0\.0\.1:/),
    });
    expect(server.connections.size).toBe(0);
  });

  it('validates the limits up front', () => {
    const make = (options: object) => () => createServer({ spec: linkSpec, ...options });
    expect(make({ maxConnections: 0 })).toThrow(
      'createServer: options.maxConnections must be a positive integer, got the number 0',
    );
    expect(make({ maxConnectionsPerSource: 1.5 })).toThrow(
      'createServer: options.maxConnectionsPerSource must be a positive integer, got the number 1.5',
    );
    expect(make({ allow: [] })).toThrow('createServer: options.allow must be a non-empty array');
    expect(make({ allow: ['10.0.0.0/33'] })).toThrow(
      'createServer: options.allow[0] must be an IP address or a CIDR range such as 10.0.0.0/8, got "10.0.0.0/33"',
    );
    expect(make({ allow: ['127.0.0.1', 'localhost'] })).toThrow(/options\.allow\[1\] must be an IP address/);
  });
});

describe('server summary', () => {
  it('inspect, String() and toJSON show counts and the address, never options or sockets', async () => {
    const { port, server } = await startIssuer(loop, approve, { maxConnections: 5 });
    const client = await connectClient(loop, port);
    await client.send(msg('0100', { 2: '4111111111111111', 11: nextStan() }));
    const summary = {
      address: `127.0.0.1:${port}`,
      tls: false,
      state: 'listening',
      connections: 1,
      accepting: 0,
      maxConnections: 5,
    };
    expect(server.toJSON()).toEqual(summary);
    expect(JSON.parse(JSON.stringify(server))).toEqual(summary);
    expect(String(server)).toBe(`Server(127.0.0.1:${port}, listening, 1 connections)`);
    const shown = inspect(server, { depth: 8 });
    expect(shown).toBe(`Server ${inspect(summary)}`);
    expect(shown).not.toMatch(/4111|spec|Buffer/);
    await server.close();
    expect(server.toJSON()).toMatchObject({ address: null, state: 'closed', connections: 0 });
  });
});
