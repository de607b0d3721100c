import { SendTimeoutError } from '../src/errors';
import { linkSpec, msg, nextStan, responseTo } from './support/link-spec';
import { connectClient, startIssuer } from './support/issuer';
import { Loopback } from './support/loopback';

const loop = new Loopback();
afterEach(() => loop.closeAll());

const PAN = '4111111111111111';

// The clues below are replies that must arrive during the wait: the wait is 2 s, not a few hundred
// ms, so that a round trip on a loaded machine still lands inside it.
describe('SendTimeoutError hints (what the link saw during the wait)', () => {
  it('names an unmatched response with the same STAN, never card data', async () => {
    const { port } = await startIssuer(loop, (conn, request) => {
      void conn.reply(responseTo(request, { 39: '00', 41: 'OTHERTID' })).catch(() => undefined); // wrong 41
    });
    const client = await connectClient(loop, port);
    client.inbound$.subscribe(() => undefined);
    const stan = nextStan();
    const error = await client
      .send(msg('0100', { 2: PAN, 11: stan, 41: 'TERM0001' }), { timeout: 2_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendTimeoutError);
    expect((error as Error).message).toBe(
      `no response for request 010|${stan}|TERM0001 within 2000 ms; meanwhile a 0110 with the same STAN ${stan} arrived and matched nothing (does the peer echo every field of the key, e.g. 41?)`,
    );
    expect((error as Error).message).not.toContain(PAN);
  });

  it('counts frames that failed to unpack', async () => {
    const { port } = await startIssuer(
      loop,
      (conn) => void conn.write(new TextEncoder().encode('01x0')).catch(() => undefined),
    );
    const client = await connectClient(loop, port);
    const error = await client.send(msg('0800', { 11: nextStan() }), { timeout: 2_000 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /within 2000 ms; meanwhile 1 inbound frame failed to unpack \(unpackError events: does the peer use this spec and framing\?\)$/,
    );
  });

  it('adds nothing when the link saw nothing', async () => {
    const { port } = await startIssuer(loop, () => undefined);
    const client = await connectClient(loop, port, { spec: linkSpec });
    const stan = nextStan();
    await expect(client.send(msg('0800', { 11: stan }), { timeout: 200 })).rejects.toThrow(
      new SendTimeoutError(`080|${stan}|`, 200),
    );
  });
});
