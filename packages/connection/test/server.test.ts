import * as net from 'node:net';
import type { Message } from '@rx8583/iso8583';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { connect } from '../src/connection/create-connection';
import { createServer } from '../src/server/server';
import type { ServerEvent } from '../src/server/server-types';
import { linkSpec, msg, nextStan, responseTo } from './support/link-spec';
import { Loopback } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

const loop = new Loopback();
afterEach(() => loop.closeAll());

const eventOf = <T extends ServerEvent['type']>(events$: import('rxjs').Observable<ServerEvent>, type: T) =>
  firstValueFrom(events$.pipe(filter((e): e is Extract<ServerEvent, { type: T }> => e.type === type)));

describe('Server', () => {
  it("answers client requests and sends requests of its own, getting the client's responses", async () => {
    const { port, server } = await startIssuer(loop);
    const serverSide = firstValueFrom(server.connections$);
    const client = await connectClient(loop, port);
    client.inbound$.subscribe((request) => void client.reply(responseTo(request, { 39: '00', 63: 'from client' })));
    await expect(client.send(msg('0100', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0110' });
    const issuerSide = await serverSide;
    const answer = await issuerSide.send(msg('0800', { 11: nextStan(), 63: 'key exchange' }));
    expect([answer.mti, answer.get(63)]).toEqual(['0810', 'from client']);
  });

  it('holds connections accepted before anyone subscribes to connections$', async () => {
    const server = loop.trackServer(createServer({ spec: linkSpec }));
    const accepted = eventOf(server.events$, 'connection');
    const { port } = await server.listen(0, '127.0.0.1');
    const client = await connectClient(loop, port);
    await accepted;
    const conn = await firstValueFrom(server.connections$);
    conn.inbound$.subscribe((request) => approve(conn, request));
    await expect(client.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
    expect(server.connections.has(conn)).toBe(true);
  });

  it('closes sockets beyond maxConnections at once and reports them', async () => {
    const { port, server } = await startIssuer(loop, approve, { maxConnections: 1 });
    const first = await connectClient(loop, port);
    await expect(first.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
    const rejected = eventOf(server.events$, 'rejected');
    const second = await connectClient(loop, port);
    await expect(second.closed).resolves.toMatchObject({ reason: expect.stringMatching(/peer|error/) });
    expect(await rejected).toMatchObject({
      reason: 'maxConnections',
      remoteAddress: expect.stringMatching(/^127\.0\.0\.1:/),
    });
    await expect(first.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
    expect(server.connections.size).toBe(1);
  });

  it('runs onConnect on accepted connections; a failure closes that socket and is reported', async () => {
    let calls = 0;
    const { port, server } = await startIssuer(loop, approve, {
      onConnect: (conn) => {
        calls++;
        if (calls === 2) throw new Error('terminal not registered');
        conn.set('accepted', calls);
      },
    });
    const good = await connectClient(loop, port);
    await good.send(msg('0800', { 11: nextStan() }));
    expect([...server.connections][0].get('accepted')).toBe(1);
    const failed = eventOf(server.events$, 'connectFailed');
    const refused = await connectClient(loop, port);
    expect((await failed).error.message).toMatch(/onConnect failed: terminal not registered/);
    await expect(refused.closed).resolves.toMatchObject({ reason: expect.stringMatching(/peer|error/) });
  });

  it("close() stops accepting, drains the server's own in-flight requests and closes connections", async () => {
    const { port, server } = await startIssuer(loop);
    const serverSide = firstValueFrom(server.connections$);
    const client = await connectClient(loop, port);
    const held: Message[] = [];
    client.inbound$.subscribe((request) => held.push(request));
    const issuerSide = await serverSide;
    const pending = issuerSide.send(msg('0800', { 11: nextStan() }));
    await client.send(msg('0800', { 11: nextStan() })); // round trip: the server's request reached the client
    expect(held).toHaveLength(1);

    const events = lastValueFrom(server.events$.pipe(toArray()));
    const connections = lastValueFrom(server.connections$.pipe(toArray()));
    const closing = server.close();
    expect(issuerSide.state).toBe('closing');
    await client.reply(responseTo(held[0], { 39: '00' })); // answered while the server closes
    await closing;
    await expect(pending).resolves.toMatchObject({ mti: '0810' });
    await expect(client.closed).resolves.toEqual({ reason: 'peer' });
    expect((await events).map((e) => e.type)).toEqual(['closed']);
    await expect(connections).resolves.toEqual([]);
    await expect(connect({ host: '127.0.0.1', port, spec: linkSpec })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('listen reports the bound address, refuses bad ports and an address in use', async () => {
    const server = loop.trackServer(createServer({ spec: linkSpec }));
    const listening = eventOf(server.events$, 'listening');
    const address = await server.listen(0, '127.0.0.1');
    expect(address).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    expect(server.address()).toEqual(address);
    expect((await listening).address).toEqual(address);
    await expect(server.listen(-1)).rejects.toThrow(RangeError);
    const other = loop.trackServer(createServer({ spec: linkSpec }));
    await expect(other.listen(address.port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('validates its options', () => {
    expect(() => createServer({ spec: linkSpec, maxConnections: 0 })).toThrow(RangeError);
    expect(() => createServer({ spec: undefined as never })).toThrow(/spec is required/);
    expect(() => createServer({ spec: linkSpec, tls: 'yes' as never })).toThrow(TypeError);
  });

  it('drops sockets still in the TLS handshake when it closes', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));
    const { port, server } = await startIssuer(loop, approve, {
      tls: { key: fixture('server.key'), cert: fixture('server.crt') },
    });
    const raw = loop.trackSocket(net.connect(port, '127.0.0.1')); // TCP only: never starts the handshake
    const rawClosed = new Promise((resolve) => raw.once('close', resolve));
    raw.on('error', () => undefined);
    await new Promise((resolve) => raw.once('connect', resolve));
    await server.close();
    await rawClosed;
    expect(server.connections.size).toBe(0);
  });
});
