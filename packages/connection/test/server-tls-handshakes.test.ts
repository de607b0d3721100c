import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { filter, firstValueFrom, type Observable } from 'rxjs';
import { connect } from '../src/connection/create-connection';
import { TlsHandshakeTimeoutError, TlsMismatchError } from '../src/errors';
import { createServer } from '../src/server/server';
import type { ServerEvent, ServerTlsErrorEvent } from '../src/server/server-types';
import { linkSpec, msg, nextStan } from './support/link-spec';
import { Loopback, once } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));
const ca = fixture('ca.crt');
const serverTls = { key: fixture('server.key'), cert: fixture('server.crt') };

const loop = new Loopback();
afterEach(() => loop.closeAll());

const tlsErrors = (events$: Observable<ServerEvent>) =>
  firstValueFrom(events$.pipe(filter((e): e is ServerTlsErrorEvent => e.type === 'tlsError')));

async function rawSocket(port: number): Promise<net.Socket> {
  const socket = loop.trackSocket(net.connect(port, '127.0.0.1'));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** Everything the server sends until it closes the socket. */
const readToClose = (socket: net.Socket) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });

describe('server handshakeTimeout', () => {
  it('destroys a socket that never starts its handshake, reports it and frees the slot', async () => {
    // Long enough for the real TLS client below: a handshake took over 100 ms on the loaded 2-core
    // machine, and that client was destroyed by the very timeout under test.
    const { port, server } = await startIssuer(loop, approve, {
      tls: serverTls,
      handshakeTimeout: 2_000,
      maxConnections: 1,
    });
    const reported = tlsErrors(server.events$);
    // Timed from before the dial: the server's clock starts at accept, which can be handled well
    // before this side's 'connect' when the machine is loaded.
    const started = Date.now();
    const silent = await rawSocket(port);
    const local = silent.localPort;
    await once(silent, 'close');
    const { error, remoteAddress } = await reported;
    expect(error).toBeInstanceOf(TlsHandshakeTimeoutError);
    expect(error.message).toBe(`TLS client 127.0.0.1:${local} did not finish its handshake within 2000 ms: closed`);
    expect(remoteAddress).toBe(`127.0.0.1:${local}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_990);
    // its slot is free again: a TLS client gets the one slot
    const client = await connectClient(loop, port, { tls: { ca } });
    await expect(client.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
  });

  it('destroys a socket that stalls inside its handshake, reporting it once', async () => {
    const { port, server } = await startIssuer(loop, approve, { tls: serverTls, handshakeTimeout: 100 });
    const errors: ServerTlsErrorEvent[] = [];
    server.events$
      .pipe(filter((e): e is ServerTlsErrorEvent => e.type === 'tlsError'))
      .subscribe((e) => errors.push(e));
    const stalled = await rawSocket(port);
    stalled.write(Uint8Array.from([0x16, 0x03, 0x01])); // a TLS record header, then nothing
    await once(stalled, 'close');
    await server.close(); // every event of that socket is out by now
    expect(errors.map((e) => e.error)).toEqual([expect.any(TlsHandshakeTimeoutError)]);
    expect(errors[0]!.error.message).toMatch(/did not finish its handshake within 100 ms/);
  });

  it('serves a TLS client that completes its handshake in time', async () => {
    const { port } = await startIssuer(loop, approve, { tls: serverTls, handshakeTimeout: 5_000 });
    const client = await connectClient(loop, port, { tls: { ca } });
    await expect(client.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
  });

  it('refuses a nested tls.handshakeTimeout, saying which one to set', () => {
    expect(() => createServer({ spec: linkSpec, tls: { ...serverTls, handshakeTimeout: 5_000 } })).toThrow(
      "createServer: set handshakeTimeout at the top level, not in options.tls (Node's own only reports a stalled handshake; rx8583's closes the socket)",
    );
    expect(() => createServer({ spec: linkSpec, tls: serverTls, handshakeTimeout: 0 })).toThrow(
      'createServer: options.handshakeTimeout must be a positive number of milliseconds, got the number 0',
    );
  });
});

describe('TLS on one end only', () => {
  it('a plain-TCP client on a TLS server gets a TLS alert and the server says what happened', async () => {
    const { port, server } = await startIssuer(loop, approve, { tls: serverTls });
    const reported = tlsErrors(server.events$);
    const plain = await rawSocket(port);
    const local = plain.localPort;
    const answer = readToClose(plain);
    plain.write(Buffer.from('\x00\x0e0800 plain text'));
    expect([...(await answer)]).toEqual([21, 3, 3, 0, 2, 2, 10]); // fatal alert: unexpected_message
    const { error } = await reported;
    expect(error).toBeInstanceOf(TlsMismatchError);
    expect(error).toMatchObject({ peerSpeaks: 'plain' });
    expect(error.message).toBe(
      `127.0.0.1:${local} speaks plain TCP to this TLS server (its first bytes are not a TLS handshake): give the client tls options`,
    );
  });

  it('an rx8583 client without tls on a TLS server fails with an error that says the server speaks TLS', async () => {
    const { port } = await startIssuer(loop, approve, { tls: serverTls });
    const client = await connectClient(loop, port);
    const sent = client.send(msg('0800', { 11: nextStan() })).catch((e: unknown) => e);
    const info = await client.closed;
    expect(info.reason).toBe('error');
    expect(info.error?.message).toBe(
      'framing error at stream offset 0: the peer sent a TLS alert where a binary2 frame was expected: it speaks TLS (dial it with tls options)',
    );
    expect(await sent).toMatchObject({ name: 'ConnectionClosedError', cause: info.error });
  });

  it('a TLS client on a plain server is refused at once, and the server says what happened', async () => {
    const { port, server } = await startIssuer(loop);
    const reported = tlsErrors(server.events$);
    const failure = connect({ host: '127.0.0.1', port, spec: linkSpec, tls: { ca } }).catch((e: unknown) => e);
    const { error, remoteAddress } = await reported;
    expect(error).toBeInstanceOf(TlsMismatchError);
    expect(error).toMatchObject({ peerSpeaks: 'tls' });
    expect(error.message).toBe(
      `${remoteAddress} opened a TLS handshake on this plain-TCP server: give the server tls options, or dial it without tls`,
    );
    expect(await failure).toMatchObject({ name: 'ConnectError', code: 'ECONNRESET' });
    expect(((await failure) as Error).message).toBe(
      `connecting to 127.0.0.1:${port} failed: the server closed the connection during the TLS handshake (ECONNRESET): it may not speak TLS (a plain-TCP port: dial it without tls), or it refused this client`,
    );
    expect(server.connections.size).toBe(0);
  });
});
