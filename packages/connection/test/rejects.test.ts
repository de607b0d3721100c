import { defineSpec, Message, spec87ascii, spec87binary, specFromJSON } from '@rx8583/iso8583';
import type { Socket } from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import { connect } from '../src/connection/create-connection';
import { rejects } from '../src/connection/rejects';
import { framing } from '../src/framing/index';
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
    const { client, host } = await silentHost({ rejectedRequest: rejects.originalDataElements() });
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

/**
 * A Visa stand-in on raw sockets: takes each VML frame (BASE I header + message) and sends it
 * back behind a reject header with `code`, as Visa returns a message it refuses.
 */
async function rejectingVisa(code: string): Promise<number> {
  const { port } = await loop.rawServer((socket: Socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt16BE(0)) {
        const original = pending.subarray(4, 4 + pending.readUInt16BE(0));
        pending = pending.subarray(4 + original.length);
        const rejectHeader = Buffer.from(`1a8102${'00'.repeat(19)}8000${code}`, 'hex');
        const length = Buffer.from([0, 0, 0, 0]);
        length.writeUInt16BE(rejectHeader.length + original.length, 0);
        socket.write(Buffer.concat([length, rejectHeader, original]));
      }
    });
  });
  return port;
}

describe('rejects: built-in rejectedRequest options', () => {
  it('visaHeader: a request Visa returns behind a reject header fails its send at once, with the reject code; serve never sees it', async () => {
    const port = await rejectingVisa('0005');
    const client = loop.track(
      await connect({
        host: '127.0.0.1',
        port,
        spec: spec87ascii,
        framing: framing.base1({ header: { source: '123456' } }),
        rejectedRequest: rejects.visaHeader(),
      }),
    );
    const served: Message[] = [];
    client.serve((request) => void served.push(request));
    const returned = firstValueFrom(client.inbound$);
    const error = await client.send(authorization('000021')).catch((failure: unknown) => failure);
    expect(error).toEqual(
      new RejectedMessageError('010|000021|TERM0001', 'rejected by the peer (0100, reject code 0005)'),
    );
    const message = await returned;
    expect([message.mti, client.headerOf(message)?.rejectCode]).toEqual(['0100', '0005']);
    expect(served).toEqual([]);
  });

  it('a reject held before serve is called stays for inbound$, never reaching the handler', async () => {
    const { client, host } = await silentHost({ rejectedRequest: rejects.originalDataElements() });
    const arrived = firstValueFrom(client.traffic$.pipe(filter((record) => record.message?.mti === '0620')));
    await host.reply(
      new Message(spec87ascii, {
        mti: '0620',
        fields: { 11: '900003', 41: 'TERM0001', 90: `0100000041${'0'.repeat(32)}` },
      }),
    );
    await arrived;
    const served: Message[] = [];
    client.serve((request) => void served.push(request));
    expect(served).toEqual([]);
    expect((await firstValueFrom(client.inbound$)).mti).toBe('0620');
  });

  it('originalDataElements({ field: 48, element }): an 0620 naming the original in a TLV element of 48', async () => {
    const tlvSpec = defineSpec({
      name: '87 ASCII with TLV 48',
      fields: {
        ...spec87ascii.fields,
        48: {
          type: 'composite',
          layout: 'tlv',
          length: 999,
          prefix: { digits: 3, encoding: 'ascii' },
          tag: { length: 2, encoding: 'ascii' },
          elementLength: { digits: 2, encoding: 'ascii' },
          subfields: { '01': { type: 'string', length: 42, encoding: 'ascii' } },
        },
      },
    });
    const server = loop.trackServer(createServer({ spec: tlvSpec }));
    server.serve(
      (request) =>
        new Message(tlvSpec, {
          mti: '0620',
          fields: {
            11: '900002',
            41: 'TERM0001',
            48: [{ tag: '01', value: `${request.mti}${request.getString(11)}` }],
          },
        }),
    );
    const { port } = await server.listen(0, '127.0.0.1');
    const client = loop.track(
      await connect({
        host: '127.0.0.1',
        port,
        spec: tlvSpec,
        rejectedRequest: rejects.originalDataElements({ field: 48, element: '01' }),
      }),
    );
    const request = new Message(tlvSpec, {
      mti: '0100',
      fields: { 3: '000000', 4: '1500', 11: '000031', 41: 'TERM0001' },
    });
    await expect(client.send(request)).rejects.toEqual(
      new RejectedMessageError('010|000031|TERM0001', 'rejected by the peer (0620)'),
    );
  });

  it('originalDataElements ignores what is not an administrative message with original data, and checks its options', () => {
    const find = rejects.originalDataElements();
    const withOriginalData = authorization('000001').set(90, `0100000001${'0'.repeat(32)}`);
    expect(find(withOriginalData, undefined)).toBeUndefined(); // an 0100 is no reject
    expect(find(new Message(spec87ascii, { mti: '0620', fields: { 11: '000009' } }), undefined)).toBeUndefined();
    expect(() => rejects.originalDataElements({ feild: 48 } as never)).toThrow(
      new TypeError("rejects.originalDataElements: unknown option 'feild' — did you mean 'field'?"),
    );
    expect(() => rejects.originalDataElements({ field: 200 })).toThrow(
      new RangeError(
        'rejects.originalDataElements: options.field must be a data field number 2..128, got the number 200',
      ),
    );
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
