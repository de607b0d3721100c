import { inspect } from 'node:util';
import type { Message } from '@rx8583/iso8583';
import { PackError, unpack } from '@rx8583/iso8583';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { framing } from '../src/framing/index';
import { tpdu, swapTpdu } from '../src/framing/tpdu';
import { DuplicateRequestError, RejectedMessageError, RequestKeyError, SendTimeoutError } from '../src/errors';
import type { ConnectionEvent } from '../src/connection/events';
import { linkSpec, msg, nextStan, responseTo } from './support/link-spec';
import { Loopback } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

const PAN = '4111111111111111';
const loop = new Loopback();
afterEach(() => loop.closeAll());

/** A frame the way binary2 puts it on the wire. */
const frameOf = (m: Message) => Buffer.from(framing.binary2().encode(m.pack()));

describe('Connection: request / response over loopback', () => {
  it('sends a request and resolves with its response', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port);
    const response = await conn.send(msg('0100', { 2: PAN, 4: '1500', 11: nextStan() }));
    expect(response.mti).toBe('0110');
    expect(response.get(39)).toBe('00');
  });

  it('reassembles responses delivered one byte per write, and many responses in one write', async () => {
    const pendingFrames: Buffer[] = [];
    const { port } = await loop.rawServer((socket) => {
      socket.setNoDelay(true);
      const decoder = framing.binary2().decoder();
      socket.on('data', (chunk) => {
        for (const frame of decoder.push(chunk)) {
          const request = unpack(linkSpec, frame.body);
          pendingFrames.push(frameOf(responseTo(request, { 39: '00' })));
        }
        if (pendingFrames.length === 1) {
          // the first response trickles in a byte at a time
          const bytes = pendingFrames.shift() as Buffer;
          const dribble = (i: number): void => {
            if (i < bytes.length) socket.write(bytes.subarray(i, i + 1), () => setImmediate(dribble, i + 1));
          };
          dribble(0);
        } else if (pendingFrames.length === 50) {
          socket.write(Buffer.concat(pendingFrames.splice(0))); // fifty responses in one chunk
        }
      });
    });
    const conn = await connectClient(loop, port);
    const single = await conn.send(msg('0800', { 11: nextStan() }));
    expect(single.mti).toBe('0810');
    const stans = Array.from({ length: 50 }, () => nextStan());
    const responses = await Promise.all(stans.map((stan) => conn.send(msg('0800', { 11: stan }))));
    expect(responses.map((r) => r.get(11))).toEqual(stans);
  });

  it('settles 10 000 concurrent sends on one connection, each with its own response', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port);
    const requests = Array.from({ length: 10_000 }, (_, i) =>
      msg('0100', { 4: String(i + 1), 11: nextStan(), 41: `T${String(i % 7).padStart(7, '0')}` }),
    );
    const responses = await Promise.all(requests.map((request) => conn.send(request)));
    responses.forEach((response, i) => {
      expect(response.get(4)).toBe(requests[i].get(4));
      expect(response.get(11)).toBe(requests[i].get(11));
    });
  });

  it('matches responses that arrive in any order', async () => {
    const held: Message[] = [];
    const { port } = await startIssuer(loop, (conn, request) => {
      held.push(request);
      if (held.length === 3) for (const r of held.reverse()) void conn.reply(responseTo(r, { 39: '00' }));
    });
    const conn = await connectClient(loop, port);
    const stans = [nextStan(), nextStan(), nextStan()];
    const responses = await Promise.all(stans.map((stan) => conn.send(msg('0200', { 11: stan }))));
    expect(responses.map((r) => r.get(11))).toEqual(stans);
  });

  it('a 0400 reusing the STAN of a pending 0100 does not take its 0110', async () => {
    const stan = nextStan();
    const seen: string[] = [];
    const { port } = await startIssuer(loop, (conn, request) => {
      seen.push(request.mti as string);
      if (seen.length < 2) return;
      // answer the reversal first, then the authorization
      void conn.reply(responseTo(msg('0400', { 11: stan }), { 39: '00', 63: 'reversal' }));
      void conn.reply(responseTo(msg('0100', { 11: stan }), { 39: '00', 63: 'authorization' }));
    });
    const conn = await connectClient(loop, port);
    const [authorization, reversal] = await Promise.all([
      conn.send(msg('0100', { 11: stan })),
      conn.send(msg('0400', { 11: stan })),
    ]);
    expect([authorization.mti, authorization.get(63)]).toEqual(['0110', 'authorization']);
    expect([reversal.mti, reversal.get(63)]).toEqual(['0410', 'reversal']);
  });

  it('an inbound request with the same key as a pending request goes to inbound$, not to the send', async () => {
    const stan = nextStan();
    // the host answers our 0800 only after its own 0800 with the very same STAN got its 0810
    const { port } = await startIssuer(loop, (conn, request) => {
      if (request.mti === '0800')
        void conn.send(msg('0800', { 11: stan, 63: 'host' })).then(() => approve(conn, request));
    });
    const conn = await connectClient(loop, port);
    const inbound: Message[] = [];
    conn.inbound$.subscribe((request) => {
      inbound.push(request);
      void conn.reply(responseTo(request, { 39: '00' }));
    });
    const response = await conn.send(msg('0800', { 11: stan, 63: 'ours' }));
    expect([response.mti, response.get(63)]).toEqual(['0810', 'ours']);
    expect(inbound.map((m) => [m.mti, m.get(11), m.get(63)])).toEqual([['0800', stan, 'host']]);
  });

  it('refuses a second in-flight request with the same key; the first still gets its response', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port);
    const stan = nextStan();
    const first = conn.send(msg('0100', { 11: stan, 41: 'TERM0001' }));
    await expect(conn.send(msg('0100', { 11: stan, 41: 'TERM0001' }))).rejects.toEqual(
      new DuplicateRequestError('010|' + stan + '|TERM0001'),
    );
    // same STAN on another terminal is another key
    const other = conn.send(msg('0100', { 11: stan, 41: 'TERM0002' }));
    await expect(first).resolves.toMatchObject({ mti: '0110' });
    await expect(other).resolves.toMatchObject({ mti: '0110' });
  });

  it('hands a response that arrives after its send timed out to inbound$', async () => {
    let answerLate!: () => void;
    const { port } = await startIssuer(loop, (conn, request) => {
      answerLate = () => approve(conn, request);
    });
    const conn = await connectClient(loop, port);
    const stan = nextStan();
    const lateOnes = firstValueFrom(conn.inbound$);
    await expect(conn.send(msg('0100', { 2: PAN, 11: stan }), { timeout: 20 })).rejects.toBeInstanceOf(
      SendTimeoutError,
    );
    answerLate();
    const late = await lateOnes;
    expect([late.mti, late.get(11)]).toEqual(['0110', stan]);
  });

  it('holds inbound messages that arrive before anyone subscribes, for the first subscriber', async () => {
    const { port } = await startIssuer(loop, (conn, request) => {
      void conn.reply(msg('0800', { 11: '000901' })); // the host's own requests come first
      void conn.reply(msg('0800', { 11: '000902' }));
      approve(conn, request);
    });
    const conn = await connectClient(loop, port);
    await conn.send(msg('0800', { 11: nextStan() })); // once answered, the two 0800s were read
    const first = await firstValueFrom(conn.inbound$.pipe(take(2), toArray()));
    expect(first.map((m) => m.get(11))).toEqual(['000901', '000902']);
  });

  it('drops the oldest held message beyond inboundBufferSize and says so on events$', async () => {
    const { port } = await startIssuer(loop, (conn, request) => {
      for (const stan of ['000001', '000002', '000003']) void conn.reply(msg('0800', { 11: stan }));
      approve(conn, request);
    });
    const conn = await connectClient(loop, port, { inboundBufferSize: 2 });
    const errors: ConnectionEvent[] = [];
    conn.events$.pipe(filter((e) => e.type === 'error')).subscribe((e) => errors.push(e));
    await conn.send(msg('0800', { 11: nextStan() }));
    const held = await firstValueFrom(conn.inbound$.pipe(take(2), toArray()));
    expect(held.map((m) => m.get(11))).toEqual(['000002', '000003']);
    expect(errors).toHaveLength(1);
    expect((errors[0] as { error: Error }).error.message).toMatch(/holds 2 messages.*dropped the oldest \(0800\)/);
  });

  it('rejects a message that does not pack with PackError and stays usable', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port);
    // Values are checked by set, so what still fails to pack is a message without an MTI.
    const bad = msg('0100', { 11: nextStan() }).delete(0);
    await expect(conn.send(bad)).rejects.toBeInstanceOf(PackError);
    await expect(conn.send(msg('0100', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0110' });
    expect(conn.state).toBe('open');
  });

  it('refuses a request without STAN with RequestKeyError, and supports a custom requestKey', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port);
    await expect(conn.send(msg('0100', { 4: '100' }))).rejects.toThrow(
      new RequestKeyError('0100', 'field 11 (STAN) is missing'),
    );
    const byAmount = await connectClient(loop, port, { requestKey: (m) => `amount:${m.get(4)}` });
    await expect(byAmount.send(msg('0100', { 4: '100' }))).resolves.toMatchObject({ mti: '0110' });
  });

  it('reject() settles a pending send with RejectedMessageError', async () => {
    const { port } = await startIssuer(loop, () => undefined); // never answers
    const conn = await connectClient(loop, port);
    const request = msg('0100', { 11: nextStan() });
    const pending = conn.send(request);
    expect(conn.reject(request, 'returned in an 0620 advice')).toBe(true);
    await expect(pending).rejects.toBeInstanceOf(RejectedMessageError);
    await expect(pending).rejects.toThrow('returned in an 0620 advice');
    expect(conn.reject(request, 'again')).toBe(false);
  });

  it('send$ is cold and abandoning it hands the response to inbound$', async () => {
    let received = 0;
    let answer!: () => void;
    const { port } = await startIssuer(loop, (conn, request) => {
      received++;
      if (request.mti === '0800') approve(conn, request);
      else answer = () => approve(conn, request);
    });
    const conn = await connectClient(loop, port);
    const stan = nextStan();
    const request$ = conn.send$(msg('0100', { 11: stan }));
    await conn.send(msg('0800', { 11: nextStan() }));
    expect(received).toBe(1); // nothing sent before subscribing
    const subscription = request$.subscribe();
    const unmatched = firstValueFrom(conn.inbound$);
    await conn.send(msg('0800', { 11: nextStan() })); // a round trip later the 0100 was read
    expect(received).toBe(3);
    subscription.unsubscribe();
    answer();
    expect((await unmatched).get(11)).toBe(stan);
  });

  it('write() sends a raw frame body in order with the rest', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port);
    const stan = nextStan();
    const reply = firstValueFrom(conn.inbound$);
    await conn.write(msg('0800', { 11: stan }).pack());
    expect((await reply).get(11)).toBe(stan); // unmatched: write registers no request
  });

  it('mirrors the network header on replies (TPDU with source and destination swapped)', async () => {
    const nac = framing.withHeader(framing.binary2(), tpdu, {
      defaultHeader: { id: 0x60, destination: 0x0001, source: 0x0002 },
      replyHeader: swapTpdu,
    });
    const { port } = await startIssuer(
      loop,
      (conn, request) => void conn.reply(responseTo(request, { 39: '00' }), { request }),
      { framing: nac },
    );
    const conn = await connectClient(loop, port, { framing: nac });
    const response = await conn.send(msg('0100', { 11: nextStan() }));
    expect(conn.headerOf(response)).toEqual({ id: 0x60, destination: 0x0002, source: 0x0001 });
  });

  it('inspect, String() and toJSON give a short summary, never queued frames or card data', async () => {
    const { port } = await loop.rawServer(() => undefined); // never answers
    const conn = await connectClient(loop, port);
    void conn.send(msg('0100', { 2: PAN, 11: nextStan() })).catch(() => undefined);
    const summary = { remoteAddress: `127.0.0.1:${port}`, state: 'open', status: 'unknown', inFlight: 1 };
    expect(JSON.parse(JSON.stringify(conn))).toEqual(summary);
    expect(String(conn)).toBe(`Connection 127.0.0.1:${port} open (status unknown, 1 in flight)`);
    const inspected = inspect(conn, { depth: 8, showHidden: true });
    expect(inspected).toBe(String(conn));
    expect(inspected).not.toMatch(/4111|34313131/);
  });

  it('keeps application status and metadata, status$ emitting each change', async () => {
    const { port } = await startIssuer(loop);
    const conn = await connectClient(loop, port);
    const statuses: string[] = [];
    conn.status$.subscribe((s) => statuses.push(s));
    conn.status = 'online';
    conn.status = 'online';
    conn.set('terminal', 'TERM0001');
    expect(conn.status).toBe('online');
    expect(conn.get('terminal')).toBe('TERM0001');
    expect(conn.get('nothing')).toBeUndefined();
    expect(statuses).toEqual(['unknown', 'online']);
  });
});
