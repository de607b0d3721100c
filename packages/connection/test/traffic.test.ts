import { config, filter, firstValueFrom, take, toArray, lastValueFrom } from 'rxjs';
import { ConnectionClosedError, RejectedMessageError, SendTimeoutError, type TrafficRecord } from '@rx8583/connection';
import { msg, nextStan, responseTo } from './support/link-spec';
import { Loopback } from './support/loopback';
import { approve, connectClient, startIssuer } from './support/issuer';

const loop = new Loopback();
afterEach(() => loop.closeAll());
afterEach(() => {
  config.onUnhandledError = null;
});

const summary = (r: TrafficRecord) => `${r.direction} ${r.outcome} ${r.message?.mti ?? '-'}`;
/** The tap's clock: epoch milliseconds, sub-millisecond, monotonic. */
const tapNow = () => performance.timeOrigin + performance.now();

describe('Connection traffic$ (the traffic tap)', () => {
  it('reports each message in and out with its outcome and its exact bytes', async () => {
    let silent = '';
    const { port, accepted } = await startIssuer(loop, (conn, request) => {
      if (request.get(11) !== silent) approve(conn, request);
    });
    const conn = await connectClient(loop, port);
    const records: TrafficRecord[] = [];
    conn.traffic$.subscribe((record) => records.push(record));

    const before = tapNow();
    const request = msg('0100', { 11: nextStan(), 4: '1500' });
    const response = await conn.send(request);
    const roundTrip = tapNow() - before;
    silent = nextStan();
    const unanswered = msg('0800', { 11: silent });
    await expect(conn.send(unanswered, { timeout: 50 })).rejects.toThrow('within 50 ms');
    // The server answers late, then sends a request of its own: both go to inbound$ as unmatched.
    const late = responseTo(unanswered, { 39: '00' });
    const peerRequest = msg('0800', { 11: nextStan() });
    const unmatched = firstValueFrom(conn.inbound$.pipe(take(2), toArray()));
    await accepted[0]!.reply(late);
    await accepted[0]!.reply(peerRequest);
    await unmatched;

    expect(records.map(summary)).toEqual([
      'out request 0100',
      'in matched 0110',
      'out request 0800',
      'out timedOut 0800',
      'in unmatched 0810',
      'in unmatched 0800',
    ]);
    expect(Buffer.from(records[0]!.bytes).equals(Buffer.from(request.pack()))).toBe(true);
    expect(records[1]!.message).toBe(response);
    expect(Buffer.from(records[1]!.bytes).equals(Buffer.from(response.pack()))).toBe(true);
    // A request's end names its request and how long it took from the send.
    expect(records[1]!.request).toBe(request);
    expect(records[1]!.latency).toBeGreaterThan(0);
    expect(records[1]!.latency).toBeLessThanOrEqual(roundTrip);
    // (epoch milliseconds carry ~0.2 µs of float precision)
    expect(records[1]!.time - records[0]!.time).toBeCloseTo(records[1]!.latency!, 2);
    expect(records[3]!.message).toBe(unanswered);
    expect(records[3]!.request).toBe(unanswered);
    expect(records[3]!.latency).toBeGreaterThanOrEqual(49);
    expect(records[3]!.error).toBeInstanceOf(SendTimeoutError);
    for (const record of [records[0]!, records[2]!, records[4]!, records[5]!]) {
      expect([record.request, record.latency, record.error]).toEqual([undefined, undefined, undefined]);
    }
    let previous = before;
    for (const record of records) {
      expect(record.time).toBeGreaterThanOrEqual(previous);
      previous = record.time;
    }
    expect(previous).toBeLessThanOrEqual(tapNow());
  });

  it('reports requests that end without a response as failed, with the error their send got', async () => {
    const { port } = await startIssuer(loop, () => undefined); // never answers
    const conn = await connectClient(loop, port);
    const records: TrafficRecord[] = [];
    conn.traffic$.subscribe((record) => records.push(record));
    const rejected = msg('0100', { 11: nextStan() });
    const pending = msg('0100', { 11: nextStan() });
    const rejection = conn.send(rejected).catch((error: unknown) => error);
    const closing = conn.send(pending).catch((error: unknown) => error);
    expect(conn.reject(rejected, 'declined by the test')).toBe(true);
    const rejectedError = await rejection;
    expect(rejectedError).toBeInstanceOf(RejectedMessageError);
    conn.destroy();
    const closedError = await closing;
    expect(closedError).toBeInstanceOf(ConnectionClosedError);

    expect(records.map(summary)).toEqual([
      'out request 0100',
      'out request 0100',
      'out failed 0100',
      'out failed 0100',
    ]);
    expect(records[2]).toMatchObject({ message: rejected, request: rejected, error: rejectedError });
    expect(records[3]).toMatchObject({ message: pending, request: pending, error: closedError });
    expect(records[3]!.latency).toBeGreaterThanOrEqual(0);
  });

  it('reports replies, keep-alives and undecodable frames, on the side that sees them', async () => {
    const { port, accepted } = await startIssuer(loop, approve, { echoKeepAlive: true });
    const conn = await connectClient(loop, port);
    await conn.send(msg('0800', { 11: nextStan() })); // the server side is up and has answered once
    const serverSide = accepted[0]!;
    const records: TrafficRecord[] = [];
    serverSide.traffic$.subscribe((record) => records.push(record));
    const echoed = firstValueFrom(conn.events$.pipe(filter((e) => e.type === 'keepAlive')));
    await conn.write(new Uint8Array(0));
    await echoed;
    await conn.write(Buffer.from('08')); // too short to be a message
    await firstValueFrom(serverSide.events$.pipe(filter((e) => e.type === 'unpackError')));
    await conn.send(msg('0800', { 11: nextStan() }));
    expect(records.map(summary)).toEqual([
      'in keepAlive -',
      'out reply -',
      'in undecodable -',
      'in unmatched 0800',
      'out reply 0810',
    ]);
    expect([...records[2]!.bytes]).toEqual([0x30, 0x38]);
  });

  it('never takes held messages from inbound$, and completes when the link is gone', async () => {
    const { port, accepted } = await startIssuer(loop);
    const conn = await connectClient(loop, port);
    await conn.send(msg('0800', { 11: nextStan() })); // the server side is up
    const tapped = firstValueFrom(conn.traffic$.pipe(filter((r) => r.direction === 'in')));
    const signOn = msg('0800', { 11: nextStan() });
    await accepted[0]!.reply(signOn); // nobody subscribes to the client's inbound$ yet: it is held
    expect((await tapped).outcome).toBe('unmatched');
    expect((await firstValueFrom(conn.inbound$)).get(11)).toBe(signOn.get(11));
    const all = lastValueFrom(conn.traffic$.pipe(toArray()));
    await conn.close();
    await expect(all).resolves.toEqual([]);
  });

  it('hands listenTraffic listeners the records traffic$ subscribers get, until the link is gone', async () => {
    const { port, accepted } = await startIssuer(loop, approve);
    const conn = await connectClient(loop, port);
    const subscribed: TrafficRecord[] = [];
    const listened: TrafficRecord[] = [];
    let completions = 0;
    conn.traffic$.subscribe((record) => subscribed.push(record));
    conn.listenTraffic({ next: (record) => listened.push(record), complete: () => completions++ });
    const stopped: TrafficRecord[] = [];
    const stop = conn.listenTraffic({ next: (record) => stopped.push(record) });
    const ends: TrafficRecord[] = [];
    let endsCompleted = false;
    conn.listenTraffic({
      requests: false,
      next: (record) => ends.push(record),
      complete: () => (endsCompleted = true),
    });

    await conn.send(msg('0800', { 11: nextStan() }));
    stop();
    await conn.send(msg('0800', { 11: nextStan() }));
    await accepted[0]!.reply(msg('0800', { 11: nextStan() }));
    await firstValueFrom(conn.inbound$);

    expect(listened.map(summary)).toEqual([
      'out request 0800',
      'in matched 0810',
      'out request 0800',
      'in matched 0810',
      'in unmatched 0800',
    ]);
    expect(listened).toHaveLength(subscribed.length);
    listened.forEach((record, i) => expect(record).toBe(subscribed[i]));
    expect(stopped.map(summary)).toEqual(['out request 0800', 'in matched 0810']);
    // requests: false leaves out the request records, and only them
    expect(ends).toEqual(listened.filter((record) => record.outcome !== 'request'));
    expect(completions).toBe(0);
    await conn.close();
    expect(completions).toBe(1);
    expect(endsCompleted).toBe(true);
    // A listener added after the link is gone is completed at once.
    for (const requests of [true, false]) {
      const late = { requests, next: jest.fn(), complete: jest.fn() };
      conn.listenTraffic(late);
      expect(late.complete).toHaveBeenCalledTimes(1);
      expect(late.next).not.toHaveBeenCalled();
    }
  });

  it('keeps the link and other listeners going when a listener throws, reporting its error as RxJS does', async () => {
    const { port } = await startIssuer(loop, approve);
    const conn = await connectClient(loop, port);
    const thrown = new Error('listener bug');
    const reported: unknown[] = [];
    const twice = new Promise<void>((resolve) => {
      config.onUnhandledError = (error) => reported.push(error) === 2 && resolve();
    });
    conn.listenTraffic({
      next: () => {
        throw thrown;
      },
    });
    const records: TrafficRecord[] = [];
    conn.listenTraffic({ next: (record) => records.push(record) });
    const response = await conn.send(msg('0800', { 11: nextStan() }));
    expect(response.mti).toBe('0810');
    expect(records.map(summary)).toEqual(['out request 0800', 'in matched 0810']);
    await twice; // one error for each of the two records
    expect(reported).toEqual([thrown, thrown]);
  });
});
