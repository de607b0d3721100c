import { createHmac } from 'node:crypto';
import * as net from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import type { Message } from '@rx8583/iso8583';
import { framing, RejectedMessageError, type ByteHooks, type ConnectionInboundRefusedEvent } from '@rx8583/connection';
import { FRAMES_PER_TURN } from '../src/connection/inbound-pipeline';
import { msg, nextStan, responseTo } from './support/link-spec';
import { Loopback, once } from './support/loopback';
import { connectClient, startIssuer } from './support/issuer';

const loop = new Loopback();
afterEach(() => loop.closeAll());

// A toy MAC in the place a real one has: the last bytes of the packed message (here the end of
// field 63, which every message carries as 'MAC=' plus 8 placeholder characters).
const MAC_SIZE = 8;
const PLACEHOLDER = 'MAC=00000000';
const macOf = (bytes: Uint8Array, key: string) =>
  Buffer.from(
    createHmac('sha256', key)
      .update(bytes.subarray(0, bytes.length - MAC_SIZE))
      .digest('hex')
      .slice(0, 8)
      .toUpperCase(),
  );

function macHooks(key: string, seen: Message[] = []): ByteHooks {
  return {
    outbound: (packed) => {
      const out = Buffer.from(packed);
      macOf(out, key).copy(out, out.length - MAC_SIZE);
      return out;
    },
    inbound: (bytes, message) => {
      seen.push(message);
      const expected = macOf(bytes, key);
      if (!expected.equals(Buffer.from(bytes.subarray(bytes.length - MAC_SIZE)))) throw new Error('MAC mismatch');
    },
  };
}

const signed = (mti: string) => msg(mti, { 11: nextStan(), 63: PLACEHOLDER });

describe('inbound pipeline: byte hooks (MACs) in and out', () => {
  it('the outbound hook changes the bytes sent; the inbound check sees them with the unpacked message', async () => {
    const serverSeen: Message[] = [];
    const { port } = await startIssuer(
      loop,
      (conn, request) => void conn.reply(responseTo(request, { 39: '00', 63: PLACEHOLDER })),
      { byteHooks: macHooks('k1', serverSeen) },
    );
    const conn = await connectClient(loop, port, { byteHooks: macHooks('k1') });
    const response = await conn.send(signed('0100'));
    expect(response.get(39)).toBe('00');
    const [request] = serverSeen;
    // The server's message carries the MAC the client's hook wrote, and exposes the exact bytes.
    expect(request!.get(63)).toMatch(/^MAC=[0-9A-F]{8}$/);
    expect(request!.get(63)).not.toBe(PLACEHOLDER);
    const raw = request!.rawBytes()!;
    expect(Buffer.from(macOf(raw, 'k1')).toString()).toBe(String(request!.get(63)).slice(4));
  });

  it('a refused response fails its send with RejectedMessageError and is reported, never emitted', async () => {
    const { port } = await startIssuer(
      loop,
      (conn, request) => void conn.reply(responseTo(request, { 39: '00', 63: PLACEHOLDER })),
      { byteHooks: { outbound: macHooks('another key').outbound } },
    );
    const conn = await connectClient(loop, port, { byteHooks: macHooks('k1') });
    const unmatched: Message[] = [];
    conn.inbound$.subscribe((m) => unmatched.push(m));
    const refused = firstValueFrom(
      conn.events$.pipe(filter((e): e is ConnectionInboundRefusedEvent => e.type === 'inboundRefused')),
    );
    const sending = conn.send(signed('0100'));
    await expect(sending).rejects.toBeInstanceOf(RejectedMessageError);
    await expect(sending).rejects.toThrow('the response was refused: MAC mismatch');
    const event = await refused;
    expect(event.mti).toBe('0110');
    expect(event.error.message).toBe('MAC mismatch');
    expect(unmatched).toEqual([]);
    expect(conn.state).toBe('open');
  });

  it('a refused request is reported and dropped; the link goes on', async () => {
    const answered: string[] = [];
    const { port, accepted } = await startIssuer(
      loop,
      (conn, request) => {
        answered.push(String(request.get(11)));
        void conn.reply(responseTo(request, { 39: '00' }));
      },
      {
        byteHooks: {
          inbound: (_bytes, message) => {
            if (message.get(63) === 'BAD') throw new Error('bad');
          },
        },
      },
    );
    const conn = await connectClient(loop, port);
    await conn.send(msg('0800', { 11: nextStan() }));
    const refused = firstValueFrom(accepted[0]!.events$.pipe(filter((e) => e.type === 'inboundRefused')));
    await expect(conn.send(msg('0800', { 11: nextStan(), 63: 'BAD' }), { timeout: 100 })).rejects.toThrow(
      'within 100 ms',
    );
    await refused;
    const good = nextStan();
    await conn.send(msg('0800', { 11: good }));
    expect(answered).toHaveLength(2);
    expect(answered[1]).toBe(good);
  });

  it('an outbound hook that throws or returns no bytes fails that send, and the link goes on', async () => {
    const { port } = await startIssuer(loop);
    let mode: 'throw' | 'junk' | 'ok' = 'throw';
    const conn = await connectClient(loop, port, {
      byteHooks: {
        outbound: (packed) => {
          if (mode === 'throw') throw new Error('no key loaded');
          return mode === 'junk' ? ('bytes' as never) : packed;
        },
      },
    });
    await expect(conn.send(msg('0800', { 11: nextStan() }))).rejects.toThrow('no key loaded');
    mode = 'junk';
    await expect(conn.send(msg('0800', { 11: nextStan() }))).rejects.toThrow(
      new TypeError('byteHooks.outbound must return a Uint8Array'),
    );
    mode = 'ok';
    await expect(conn.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
  });

  it('validates byteHooks up front', async () => {
    const { port } = await startIssuer(loop);
    await expect(connectClient(loop, port, { byteHooks: 'mac' as never })).rejects.toThrow(
      "connect: options.byteHooks must be an object, got the string 'mac'",
    );
    await expect(connectClient(loop, port, { byteHooks: { inbound: 1 as never } })).rejects.toThrow(
      'connect: options.byteHooks.inbound must be a function',
    );
  });
});

describe('inbound pipeline: a few hundred frames a turn', () => {
  it("serves another link between the slices of one link's big read", async () => {
    const burst = 5_000;
    const frameOf = (stan: number) =>
      framing.binary2().encode(msg('0800', { 11: String(stan).padStart(6, '0') }).pack());
    const order: string[] = [];
    let everything!: () => void;
    const done = new Promise<void>((resolve) => (everything = resolve));
    const rawClient = async (): Promise<net.Socket> => {
      const socket = loop.trackSocket(net.connect(port, '127.0.0.1'));
      await once(socket, 'connect');
      return socket;
    };
    const clients: { other?: net.Socket } = {};
    const { port, accepted } = await startIssuer(loop, (_conn, request) => {
      const stan = String(request.get(11));
      order.push(stan);
      // The other link speaks up only once the burst is being handled, from inside its first slice.
      if (stan === '000001') clients.other!.write(frameOf(999_999));
      if (order.length === burst + 1) everything();
    });
    const flooding = await rawClient();
    clients.other = await rawClient();
    while (accepted.length < 2) await new Promise(setImmediate);
    flooding.write(Buffer.concat(Array.from({ length: burst }, (_, i) => frameOf(i + 1))));
    await done;
    const before = order.indexOf('999999');
    // Handled in one go, the burst's 5 000 frames would all come first; sliced, the other link's
    // request is read at the end of the first slice or the next one.
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThanOrEqual(2 * FRAMES_PER_TURN);
    expect(order.filter((stan) => stan !== '999999')).toEqual(
      Array.from({ length: burst }, (_, i) => String(i + 1).padStart(6, '0')),
    );
  });
});
