import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { connect } from '../src/connection/create-connection';
import { ClientCertificateError, ConnectError } from '../src/errors';
import type { ServerEvent } from '../src/server/server-types';
import { linkSpec, msg, nextStan } from './support/link-spec';
import { Loopback } from './support/loopback';
import { connectClient, startIssuer } from './support/issuer';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name));
const ca = fixture('ca.crt');
const otherCa = fixture('other-ca.crt');
const serverTls = { key: fixture('server.key'), cert: fixture('server.crt') };
const clientCert = { key: fixture('client.key'), cert: fixture('client.crt') };

const loop = new Loopback();
afterEach(() => loop.closeAll());

const tlsErrors = (events$: import('rxjs').Observable<ServerEvent>) =>
  firstValueFrom(events$.pipe(filter((e): e is Extract<ServerEvent, { type: 'tlsError' }> => e.type === 'tlsError')));

describe('TLS', () => {
  it('talks over TLS with the server certificate verified against the given CA', async () => {
    const { port } = await startIssuer(loop, undefined, { tls: serverTls });
    const conn = await connectClient(loop, port, { tls: { ca } });
    await expect(conn.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
  });

  it('refuses a server whose certificate is not signed by a trusted CA, saying so', async () => {
    const { port, server } = await startIssuer(loop, undefined, { tls: serverTls });
    const serverSaw = tlsErrors(server.events$);
    const error = await connect({ host: '127.0.0.1', port, spec: linkSpec, tls: { ca: otherCa } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    expect((error as Error).message).toMatch(
      new RegExp(
        `connecting to 127.0.0.1:${port} failed: the server's TLS certificate is not trusted .*pass its CA in tls.ca`,
      ),
    );
    // The client refused our certificate and hung up mid-handshake: the server saw the reset.
    expect((await serverSaw).error).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
  });

  it('verifies by default: without a CA the test certificate is refused', async () => {
    const { port } = await startIssuer(loop, undefined, { tls: serverTls });
    await expect(connect({ host: '127.0.0.1', port, spec: linkSpec, tls: true })).rejects.toMatchObject({
      name: 'ConnectError',
      message: expect.stringMatching(/not trusted/),
    });
  });

  it('refuses a certificate that does not name the host', async () => {
    const { port } = await startIssuer(loop, undefined, { tls: serverTls });
    const error = await connect({
      host: '127.0.0.1',
      port,
      spec: linkSpec,
      tls: { ca, servername: 'acquirer.example' },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ConnectError', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect((error as Error).message).toMatch(/does not name this host/);
  });
});

describe('mutual TLS', () => {
  const mtls = { ...serverTls, ca, requestCert: true, rejectUnauthorized: true };

  it('accepts a client presenting a certificate from the trusted CA', async () => {
    const { port } = await startIssuer(loop, undefined, { tls: mtls });
    const conn = await connectClient(loop, port, { tls: { ca, ...clientCert } });
    await expect(conn.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
  });

  it('fails a client without a certificate with a clear error, and the server reports it', async () => {
    const { port, server } = await startIssuer(loop, undefined, { tls: mtls });
    const serverSaw = tlsErrors(server.events$);
    const error = await connect({
      host: '127.0.0.1',
      port,
      spec: linkSpec,
      tls: { ca },
      onConnect: (c) => c.send(msg('0800', { 11: nextStan(), 63: 'SIGN-ON' })),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect((error as Error).message).toMatch(/refused the TLS handshake.*client certificate/);
    const refusal = (await serverSaw).error;
    expect(refusal).toBeInstanceOf(ClientCertificateError);
    expect(refusal).toMatchObject({ code: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE' });
    expect(refusal.message).toMatch(/TLS client refused: it sent no certificate/);
  });

  it('without onConnect, the refusal (TLS 1.3 sends it after the handshake) ends the connection with it', async () => {
    const { port } = await startIssuer(loop, undefined, { tls: mtls });
    const conn = await connectClient(loop, port, { tls: { ca } });
    const info = await conn.closed;
    expect(info.reason).toBe('error');
    expect(info.error).toMatchObject({ name: 'ConnectError', code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
  });

  it('refuses a client certificate from another CA, and the server says why', async () => {
    const { port, server } = await startIssuer(loop, undefined, { tls: { ...mtls, ca: otherCa } });
    const serverSaw = tlsErrors(server.events$);
    const error = await connect({
      host: '127.0.0.1',
      port,
      spec: linkSpec,
      tls: { ca, ...clientCert },
      onConnect: (c) => c.send(msg('0800', { 11: nextStan(), 63: 'SIGN-ON' })),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    // Node drops such a client after the handshake without a TLS alert: the client sees a close
    expect((error as Error).message).toMatch(/connection (ended|closed by the peer)/);
    const refusal = (await serverSaw).error;
    expect(refusal).toBeInstanceOf(ClientCertificateError);
    expect(refusal).toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(refusal.message).toMatch(/its certificate is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\); add the CA/);
    expect(server.connections.size).toBe(0);
  });
});
