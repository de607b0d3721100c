import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { spec87ascii } from '@rx8583/iso8583';
import { connect, createPool, type Connection, type Pool } from '@rx8583/connection';
import {
  createStoreAndForward,
  openJournalStore,
  type ForwardEvent,
  type StoreAndForward,
  type StoreAndForwardOptions,
} from '@rx8583/transactions';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { TEST_KEY, TEST_PAN, TEST_TRACK2, TestHost, cardMessage, linkTo, responseTo, tempDir } from './support/host';

const quick = { initial: 30, max: 120, jitter: 0 };

describe('store-and-forward over a real socket', () => {
  let temp: ReturnType<typeof tempDir>;
  let host: TestHost;
  let saf: StoreAndForward | undefined;
  let conn: Connection | undefined;
  let pool: Pool | undefined;

  beforeEach(() => (temp = tempDir()));
  afterEach(async () => {
    await saf?.close();
    await conn?.close();
    await pool?.close();
    await host?.stop();
    saf = conn = pool = undefined;
    temp.remove();
  });

  async function start(destination: Partial<StoreAndForwardOptions['destinations'][string]> = {}) {
    conn = await connect(linkTo(host.port));
    const store = await openJournalStore({ path: path.join(temp.dir, 'saf.journal') });
    saf = createStoreAndForward({
      store,
      spec: spec87ascii,
      cardData: { key: TEST_KEY },
      destinations: { host: { target: conn, responseTimeout: 150, retry: quick, ...destination } },
    });
    return saf;
  }

  const next = (type: ForwardEvent['type'], count = 1) =>
    firstValueFrom(
      saf!.events$.pipe(
        filter((e) => e.type === type),
        take(count),
        toArray(),
      ),
    );

  it('delivers in enqueue order; an advice without a response goes again as a repeat 0221 until answered', async () => {
    let silentFor = 1;
    host = await new TestHost((request) =>
      request.get(11) === '000001' && silentFor-- > 0 ? undefined : '00',
    ).start();
    // The exact sequence below needs every answer inside responseTimeout: 1 s, not the 150 ms that a
    // round trip on a loaded machine can exceed (an answered advice would go again as 0221).
    await start({ responseTimeout: 1_000 });
    const delivered = next('delivered', 3);
    for (const stan of ['000001', '000002', '000003']) await saf!.enqueue('host', cardMessage('0220', stan));
    const events = await delivered;
    expect(events.map((e) => e.type === 'delivered' && e.id)).toEqual([1, 2, 3]);
    expect(host.received.map((r) => `${r.mti}/${r.stan}`)).toEqual([
      '0220/000001',
      '0221/000001',
      '0220/000002',
      '0220/000003',
    ]);
    expect(saf!.store.pending('host')).toEqual([]);
  });

  it('a late response to an earlier attempt ends the repeats', async () => {
    host = await new TestHost(() => undefined).start();
    await start({ retry: { initial: 2_000, max: 2_000, jitter: 0 } });
    const delivered = next('delivered');
    await saf!.enqueue('host', cardMessage('0220', '000007'));
    const first = await host.nth(1);
    await next('retry'); // the attempt timed out; delivery now waits 2 s before a repeat
    await first.conn.reply(responseTo(first.message, '00'));
    const [event] = await delivered;
    expect(event).toMatchObject({ type: 'delivered', id: 1, late: true });
    expect(host.received.map((r) => r.mti)).toEqual(['0220']);
  });

  it('parks an advice whose response code parks it, and the ones behind it go on', async () => {
    host = await new TestHost((request) => (request.get(11) === '000002' ? '12' : '00')).start();
    await start({ parkCodes: ['12'] });
    const parked = next('parked');
    const delivered = next('delivered', 2);
    for (const stan of ['000001', '000002', '000003']) await saf!.enqueue('host', cardMessage('0220', stan));
    expect((await parked)[0]).toMatchObject({ id: 2, reason: 'response code 12' });
    expect((await delivered).map((e) => e.type === 'delivered' && e.id)).toEqual([1, 3]);
    expect(saf!.parked().map((e) => e.id)).toEqual([2]);

    host.behaviour = () => '00';
    const redelivered = next('delivered');
    await saf!.requeue(2);
    expect((await redelivered)[0]).toMatchObject({ id: 2 });
    expect(host.received.map((r) => `${r.mti}/${r.stan}`).slice(-1)).toEqual(['0221/000002']);
  });

  it('parks after maxAttempts without a response, and the next advice goes out', async () => {
    host = await new TestHost((request) => (request.get(11) === '000001' ? undefined : '00')).start();
    await start({ maxAttempts: 3 });
    const parked = next('parked');
    const delivered = next('delivered');
    await saf!.enqueue('host', cardMessage('0220', '000001'));
    await saf!.enqueue('host', cardMessage('0220', '000002'));
    expect((await parked)[0]).toMatchObject({ id: 1, reason: 'no final response after 3 attempts' });
    expect((await delivered)[0]).toMatchObject({ id: 2 });
    expect(host.received.map((r) => r.mti)).toEqual(['0220', '0221', '0221', '0220']);
  });

  it('waits while no link of a pool is up, and delivers when one comes up', async () => {
    host = new TestHost();
    const port = await new TestHost().start().then(async (h) => (await h.stop(), h.port));
    pool = createPool({
      addresses: [`127.0.0.1:${port}`],
      connection: () => linkTo(port),
      minConnections: 0,
      reconnect: { initial: 30, max: 60, jitter: 0 },
    });
    void pool.connect();
    const store = await openJournalStore({ path: path.join(temp.dir, 'saf.journal') });
    saf = createStoreAndForward({
      store,
      spec: spec87ascii,
      cardData: { key: TEST_KEY },
      destinations: { host: { target: pool, responseTimeout: 500, retry: quick } },
    });
    const waiting = next('waiting');
    const delivered = next('delivered');
    await saf.enqueue('host', cardMessage('0220', '000001'));
    await waiting;
    await host.start(port);
    expect((await delivered)[0]).toMatchObject({ id: 1 });
    expect(host.received.map((r) => r.mti)).toEqual(['0220']);
  });

  it('parks an advice that expired before it could go out, and delivers the next', async () => {
    host = await new TestHost((request) => (request.get(11) === '000001' ? undefined : '00')).start();
    await start({ retry: { initial: 100, max: 100, jitter: 0 } });
    const parked = next('parked');
    const delivered = next('delivered');
    await saf!.enqueue('host', cardMessage('0220', '000001'), { expireAfter: 50 });
    await saf!.enqueue('host', cardMessage('0220', '000002'));
    expect((await parked)[0]).toMatchObject({ id: 1, reason: 'expired' });
    expect((await delivered)[0]).toMatchObject({ id: 2 });
  });

  it('parks an entry whose PAN cannot be restored (another key), so it does not block the queue', async () => {
    host = await new TestHost(() => '00').start();
    const file = path.join(temp.dir, 'saf.journal');
    const other = createStoreAndForward({
      store: await openJournalStore({ path: file }),
      spec: spec87ascii,
      cardData: { key: Buffer.alloc(32, 1) },
      destinations: { host: { target: () => Promise.reject(new Error('no link')), retry: { initial: 60_000 } } },
    });
    await other.enqueue('host', cardMessage('0220', '000001'));
    await other.close();
    await start(); // reopens the same journal under TEST_KEY
    const parked = next('parked');
    const delivered = next('delivered');
    await saf!.enqueue('host', cardMessage('0220', '000002'));
    expect((await parked)[0]).toMatchObject({
      id: 1,
      reason:
        'cannot be rebuilt: field 2: the PAN fails authentication under the configured key (wrong key or altered file)',
    });
    expect((await delivered)[0]).toMatchObject({ id: 2 });
  });

  it('never writes the PAN or track data to the journal file', async () => {
    host = await new TestHost(() => undefined).start();
    await start();
    await saf!.enqueue('host', cardMessage('0220', '000001').set(52, '0011223344556677'));
    const bytes = readFileSync(path.join(temp.dir, 'saf.journal'));
    expect(bytes.length).toBeGreaterThan(100);
    for (const secret of [TEST_PAN, TEST_TRACK2, TEST_TRACK2.split('=')[1]!, '0011223344556677']) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'hex'))).toBe(false);
    }
    // ...while what goes out on the wire is the message with its PAN, tracks stripped.
    const sent = await host.nth(1);
    expect(sent.message.get(2)).toBe(TEST_PAN);
    expect(sent.message.has(35)).toBe(false);
  });

  it('refuses options that cannot work, naming them', () => {
    const store = { add: () => undefined } as never;
    const spec = spec87ascii;
    expect(() => createStoreAndForward({ store, spec, cardData: {} as never, destinations: {} })).toThrow(
      'createStoreAndForward: cardData needs { key } (AES-GCM) or { tokenizer }: PANs are never stored in clear',
    );
    expect(() => createStoreAndForward({ store, spec, cardData: { key: Buffer.alloc(5) }, destinations: {} })).toThrow(
      'createStoreAndForward: cardData.key must be 16, 24 or 32 bytes (AES-128/192/256), got 5',
    );
    expect(() =>
      createStoreAndForward({
        store,
        spec,
        cardData: { key: TEST_KEY },
        destinations: { host: { target: () => undefined as never, responseTimeout: -1 } },
      }),
    ).toThrow('createStoreAndForward: destinations.host.responseTimeout must be a positive number, got -1');
  });
});
