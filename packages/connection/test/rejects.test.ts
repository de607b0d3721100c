import { Message, spec87ascii, spec87binary, specFromJSON } from '@rx8583/iso8583';
import { firstValueFrom } from 'rxjs';
import { connect } from '../src/connection/create-connection';
import { rejectedByOriginalData } from '../src/connection/rejects';
import { RejectedMessageError, SpecMismatchError } from '../src/errors';
import { createServer } from '../src/server/server';
import { Loopback } from './support/loopback';

const loop = new Loopback();
afterEach(() => loop.closeAll());

const authorization = (stan: string, spec = spec87ascii) =>
  new Message(spec, { mti: '0100', fields: { 3: '000000', 4: '1500', 11: stan, 41: 'TERM0001' } });

/** A host on spec87ascii that answers nothing; resolves with the client and the host's side of the link. */
async function silentHost(options: Parameters<typeof connect>[0] extends infer O ? Partial<O> : never = {}) {
  const server = loop.trackServer(createServer({ spec: spec87ascii }));
  const { port } = await server.listen(0, '127.0.0.1');
  const hostSide = firstValueFrom(server.connections$);
  const client = loop.track(await connect({ host: '127.0.0.1', port, spec: spec87ascii, ...options }));
  return { client, host: await hostSide };
}

describe('reject', () => {
  it('takes the request, or its key', async () => {
    const { client } = await silentHost();
    const first = client.send(authorization('000001')).catch((error: unknown) => error);
    const second = client.send(authorization('000002')).catch((error: unknown) => error);
    expect(client.reject(authorization('000001'), 'format error')).toBe(true);
    expect(client.reject('010|000002|TERM0001', new Error('declined by the switch'))).toBe(true);
    expect(client.reject('010|000003|TERM0001', 'none such')).toBe(false);
    expect(await first).toEqual(new RejectedMessageError('010|000001|TERM0001', 'format error'));
    expect(await second).toBeInstanceOf(RejectedMessageError);
  });

  it("with rejectedRequest, takes a network's 0620 and fails the original as soon as one arrives", async () => {
    const { client, host } = await silentHost({ rejectedRequest: rejectedByOriginalData() });
    const reject = (stan: string) =>
      new Message(spec87ascii, {
        mti: '0620',
        fields: { 11: '900001', 41: 'TERM0001', 90: `0100${stan}${'0'.repeat(32)}` },
      });
    const pending = client.send(authorization('000007')).catch((error: unknown) => error);
    expect(client.reject(reject('000007'), 'by hand')).toBe(true);
    await expect(pending).resolves.toBeInstanceOf(RejectedMessageError);

    const rejected = client.send(authorization('000008')).catch((error: unknown) => error);
    await host.reply(reject('000008'));
    expect(await rejected).toEqual(new RejectedMessageError('010|000008|TERM0001', 'rejected by the peer (0620)'));
  });
});

describe('send of a message built for another spec', () => {
  it('is refused at once; the same spec loaded again from JSON is accepted', async () => {
    const server = loop.trackServer(createServer({ spec: spec87ascii }));
    server.serve((request) => request.toResponse({ 39: '00' }));
    const { port } = await server.listen(0, '127.0.0.1');
    const client = loop.track(await connect({ host: '127.0.0.1', port, spec: spec87ascii }));
    await expect(client.send(authorization('000011', spec87binary))).rejects.toThrow(SpecMismatchError);
    await expect(client.send(authorization('000011', spec87binary))).rejects.toThrow(
      /send: the message was built for spec '.*binary.*', but this link speaks '.*ASCII.*'/i,
    );
    const reloaded = specFromJSON(JSON.stringify(spec87ascii));
    await expect(client.send(authorization('000012', reloaded))).resolves.toMatchObject({ mti: '0110' });
  });
});
