import { Message, PackError } from '@rx8583/iso8583';
import { filter, firstValueFrom, Observable, of, ReplaySubject, take, toArray } from 'rxjs';
import { HandlerResultError, HandlerTimeoutError } from '../src/errors';
import { createServer } from '../src/server/server';
import type { Connection } from '../src/connection/types';
import type { ConnectionHandlerErrorEvent as HandlerErrorEvent } from '../src/connection/events';
import { defaultFailureReply, type RequestHandler, type ServeOptions } from '../src/connection/request-handler';
import { linkSpec, msg, nextStan, responseTo } from './support/link-spec';
import { connectClient } from './support/issuer';
import { Loopback } from './support/loopback';

const loop = new Loopback();
afterEach(() => loop.closeAll());

const PAN = '4111111111111111';
/** Answers like an issuer that fails the way field 63 asks it to. */
const issuer: RequestHandler = (request) => {
  const how = request.has(63) ? String(request.get(63)) : 'approve';
  if (how === 'throw') throw new Error('ledger unavailable');
  if (how === 'reject') return Promise.reject(new Error('ledger timed out'));
  if (how === 'bad reply') return responseTo(request, { 39: 'APPROVED' }); // 39 holds 2 characters
  if (how === 'not a message') return 'approved' as never;
  if (how === 'nothing') return undefined;
  return responseTo(request, { 39: '00' });
};

async function serveOn(
  handler: RequestHandler,
  options?: ServeOptions,
): Promise<{ port: number; events: HandlerErrorEvent[]; accepted: Connection[] }> {
  const server = loop.trackServer(createServer({ spec: linkSpec }));
  const events: HandlerErrorEvent[] = [];
  const accepted: Connection[] = [];
  server.serve(handler, options);
  server.connections$.subscribe((conn) => {
    accepted.push(conn);
    conn.events$
      .pipe(filter((event): event is HandlerErrorEvent => event.type === 'handlerError'))
      .subscribe((event) => events.push(event));
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, events, accepted };
}

function authorization(how?: string): Message {
  const request = msg('0100', { 2: PAN, 3: '000000', 4: '000000001500', 11: nextStan(), 41: 'TERM0001' });
  return how === undefined ? request : request.set(63, how);
}

describe('serve (requests answered by a handler)', () => {
  it('sends what the handler returns, resolves or emits first', async () => {
    const replies: RequestHandler[] = [
      (request) => responseTo(request, { 39: '00' }),
      async (request) => responseTo(request, { 39: '01' }),
      (request) => of(responseTo(request, { 39: '02' })),
    ];
    let turn = 0;
    const { port } = await serveOn((request, conn) => replies[turn++]!(request, conn));
    const client = await connectClient(loop, port);
    const codes: unknown[] = [];
    for (let i = 0; i < replies.length; i++) codes.push((await client.send(authorization())).get(39));
    expect(codes).toEqual(['00', '01', '02']);
  });

  it.each([
    ['throw', Error, /ledger unavailable/],
    ['reject', Error, /ledger timed out/],
    ['bad reply', PackError, /field 39/],
    ['not a message', HandlerResultError, /returned the string 'approved', not a Message/],
  ])(
    'a handler that fails (%s) is reported, its request answered 96 by default, and the link and others go on',
    async (how, errorClass, text) => {
      const { port, events } = await serveOn(issuer);
      const client = await connectClient(loop, port);
      const other = await connectClient(loop, port);
      const failing = authorization(how);
      await expect(client.send(failing)).resolves.toMatchObject({ mti: '0110' });
      expect((await client.send(authorization(how))).get(39)).toBe('96');
      expect((await client.send(authorization())).get(39)).toBe('00');
      expect((await other.send(authorization())).get(39)).toBe('00');
      expect(events).toHaveLength(2);
      expect(events[0]).toEqual({
        type: 'handlerError',
        mti: '0100',
        key: `010|${String(failing.get(11))}|TERM0001`,
        error: expect.any(errorClass),
        answered: true,
      });
      expect(events[0]!.error.message).toMatch(text);
      expect(JSON.stringify(events) + events.map((e) => e.error.message).join()).not.toContain(PAN);
    },
  );

  it('a handler that returns nothing sends no reply and reports nothing', async () => {
    const { port, events } = await serveOn(issuer);
    const client = await connectClient(loop, port);
    await expectUnanswered(client, authorization('nothing'));
    expect(events).toEqual([]);
  });

  it.each(['0120', '0220', '0420', '0421'])(
    'by default an advice or reversal (%s) whose handler fails gets no answer',
    async (mti) => {
      const { port, events } = await serveOn((request) => {
        if (request.mti === mti) throw new Error('store unavailable');
        return responseTo(request, { 39: '00' });
      });
      const client = await connectClient(loop, port);
      await expectUnanswered(client, msg(mti, { 11: nextStan() }));
      expect(events.map((e) => [e.mti, e.answered])).toEqual([[mti, false]]);
    },
  );

  it('sends only the first value of an Observable and reports a second', async () => {
    const { port, events } = await serveOn((request) =>
      of(responseTo(request, { 39: '00' }), responseTo(request, { 39: '05' })),
    );
    const client = await connectClient(loop, port);
    const unmatched: Message[] = [];
    client.inbound$.subscribe((m) => unmatched.push(m));
    expect((await client.send(authorization())).get(39)).toBe('00');
    await client.send(authorization()); // a round trip later the second value would have arrived
    expect(unmatched).toEqual([]);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ mti: '0100', answered: false, error: expect.any(HandlerResultError) });
    expect(events[0]!.error.message).toMatch(/second reply/);
  });

  it('answers an Observable that errors before a value by the configured failureReply, and one that completes empty with nothing', async () => {
    let turn = 0;
    const { port, events } = await serveOn(
      (request) => {
        turn++;
        if (turn === 1) return new Observable<Message>((s) => s.error(new Error('no route')));
        return turn === 2 ? of() : responseTo(request, { 39: '00' });
      },
      { failureReply: (request) => request.toResponse({ 39: '91' }) },
    );
    const client = await connectClient(loop, port);
    expect((await client.send(authorization())).get(39)).toBe('91');
    await expectUnanswered(client, authorization());
    expect(events.map((e) => e.error.message)).toEqual(['no route']);
  });

  it('runs at most `concurrency` handlers of a link at once; the rest wait their turn', async () => {
    const started = new ReplaySubject<{ request: Message; answer: () => void }>();
    const { port } = await serveOn(
      (request) =>
        new Promise<Message>((resolve) =>
          started.next({ request, answer: () => resolve(responseTo(request, { 39: '00' })) }),
        ),
      { concurrency: 2 },
    );
    const startedCount = (n: number) => firstValueFrom(started.pipe(take(n), toArray()));
    const client = await connectClient(loop, port);
    const requests = Array.from({ length: 5 }, () => authorization());
    const responses = Promise.all(requests.map((request) => client.send(request)));
    await startedCount(2);
    // The other link has its own bound: its request starts while the first link's three wait.
    const other = await connectClient(loop, port);
    const probe = authorization();
    const probed = other.send(probe);
    const third = (await startedCount(3))[2]!;
    expect(third.request.get(11)).toBe(probe.get(11));
    third.answer();
    await expect(probed).resolves.toMatchObject({ mti: '0110' });
    // Each answer frees a slot for the next waiting request of the first link, never more.
    (await startedCount(3)).filter((s) => s !== third).forEach((s) => s.answer());
    (await startedCount(5)).slice(3).forEach((s) => s.answer());
    (await startedCount(6)).slice(5).forEach((s) => s.answer());
    const stans = (await responses).map((r) => r.get(11));
    expect(stans).toEqual(requests.map((r) => r.get(11)));
  });

  it('gives serve the requests held before it was called; late and unmatched responses still reach inbound$', async () => {
    const server = loop.trackServer(createServer({ spec: linkSpec }));
    const { port } = await server.listen(0, '127.0.0.1');
    const accepted = firstValueFrom(server.connections$);
    const client = await connectClient(loop, port);
    client.inbound$.subscribe(() => undefined);
    const early = client.send(msg('0800', { 11: nextStan() }));
    const stray = msg('0810', { 11: nextStan(), 39: '00' });
    await client.reply(stray); // a response nobody waits for
    const conn = await accepted;
    const inbound = firstValueFrom(conn.inbound$.pipe(take(1), toArray()));
    conn.serve((request) => responseTo(request, { 39: '00' }));
    await expect(early).resolves.toMatchObject({ mti: '0810' });
    expect((await inbound).map((m) => [m.mti, m.get(11)])).toEqual([['0810', stray.get(11)]]);
  });

  it('gives a handler `timeout` ms: then the request counts as failed, its slot is freed, and a late reply is dropped', async () => {
    let release: ((reply: Message) => void) | undefined;
    const { port, events } = await serveOn(
      (request) => {
        if (request.has(63)) return new Promise<Message>((resolve) => (release = resolve)); // never on its own
        return responseTo(request, { 39: '00' });
      },
      { timeout: 50, concurrency: 1 },
    );
    const client = await connectClient(loop, port);
    const unmatched: Message[] = [];
    client.inbound$.subscribe((m) => unmatched.push(m));
    const stuck = authorization('hold');
    expect((await client.send(stuck)).get(39)).toBe('96');
    expect(events).toEqual([
      {
        type: 'handlerError',
        mti: '0100',
        key: `010|${String(stuck.get(11))}|TERM0001`,
        answered: true,
        error: expect.any(HandlerTimeoutError),
      },
    ]);
    expect(events[0]!.error.message).toBe('the handler gave no answer within 50 ms');
    expect((await client.send(authorization())).get(39)).toBe('00'); // the one slot is free again
    release!(responseTo(stuck, { 39: '00' }));
    await client.send(authorization()); // a round trip later the late reply would have arrived
    expect(unmatched).toEqual([]);
    expect(events).toHaveLength(1);
  });

  it('by default an advice whose handler never answers gets no answer when its time is up', async () => {
    let timedOut!: (error: Error) => void;
    const ruled = new Promise<Error>((resolve) => (timedOut = resolve));
    const { port, events } = await serveOn(
      (request) => (request.mti === '0120' ? new Observable<Message>() : responseTo(request, { 39: '00' })),
      {
        timeout: 50,
        failureReply: (request, error) => {
          timedOut(error);
          return defaultFailureReply(request);
        },
      },
    );
    const client = await connectClient(loop, port);
    const advice = client.send(msg('0120', { 11: nextStan() }));
    let settled = false;
    void advice.then(
      () => (settled = true),
      () => (settled = true),
    );
    expect(await ruled).toBeInstanceOf(HandlerTimeoutError);
    await expect(client.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
    expect(settled).toBe(false);
    expect(events.map((e) => [e.mti, e.answered, e.error.name])).toEqual([['0120', false, 'HandlerTimeoutError']]);
    client.destroy();
    await expect(advice).rejects.toThrow(/closed/);
  });

  it('refuses a second handler and bad options with a clear error', async () => {
    const server = loop.trackServer(createServer({ spec: linkSpec }));
    server.serve(issuer);
    expect(() => server.serve(issuer)).toThrow(/already has a handler/);
    expect(() => createServer({ spec: linkSpec }).serve('approve' as never)).toThrow(
      new TypeError(
        "server.serve: handler must be a function (request, connection) => reply, got the string 'approve'",
      ),
    );
    expect(() => createServer({ spec: linkSpec }).serve(issuer, { concurency: 4 } as never)).toThrow(
      new TypeError("server.serve: unknown option 'concurency' — did you mean 'concurrency'?"),
    );
    expect(() => createServer({ spec: linkSpec }).serve(issuer, { concurrency: '8' as never })).toThrow(
      new RangeError("server.serve: options.concurrency must be a positive integer, got the string '8'"),
    );
    expect(() => createServer({ spec: linkSpec }).serve(issuer, { timeout: 0 })).toThrow(
      new RangeError(
        'server.serve: options.timeout must be a positive number of milliseconds, got the number 0 (at most 2147483647, or Infinity for never)',
      ),
    );
    const { port } = await server.listen(0, '127.0.0.1');
    const client = await connectClient(loop, port);
    client.serve(issuer);
    expect(() => client.serve(issuer)).toThrow(/already served/);
  });
});

/**
 * Sends `request` on a link whose handler is expected not to answer it, then another that gets
 * answered: replies go out in order, so once that one is answered, `request`'s answer would have
 * arrived. Ends the link (the unanswered send fails with it).
 */
async function expectUnanswered(client: Connection, request: Message): Promise<void> {
  let settled = false;
  const unanswered = client.send(request);
  void unanswered.then(
    () => (settled = true),
    () => (settled = true),
  );
  await expect(client.send(msg('0800', { 11: nextStan() }))).resolves.toMatchObject({ mti: '0810' });
  expect(settled).toBe(false);
  client.destroy();
  await expect(unanswered).rejects.toThrow(/closed/);
}
