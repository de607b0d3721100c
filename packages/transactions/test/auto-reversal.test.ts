import * as path from 'node:path';
import { statSync } from 'node:fs';
import {
  SendTimeoutError,
  ConnectionClosedError,
  connect,
  createPool,
  type Connection,
  type Pool,
} from '@rx8583/connection';
import { spec87ascii } from '@rx8583/iso8583';
import {
  createAutoReversal,
  createStoreAndForward,
  openJournalStore,
  type AutoReversal,
  type DestinationOptions,
  type ReversalEvent,
  type StoreAndForward,
} from '@rx8583/transactions';
import { filter, firstValueFrom } from 'rxjs';
import { TEST_KEY, TestHost, cardMessage, linkTo, responseTo, tempDir } from './support/host';

const isReversal = (r: { mti: string }) => r.mti.startsWith('04');

describe('automatic reversal over real sockets', () => {
  let temp: ReturnType<typeof tempDir>;
  let hosts: TestHost[] = [];
  let saf: StoreAndForward | undefined;
  let reversals: AutoReversal | undefined;
  let conn: Connection | undefined;
  let pool: Pool | undefined;

  beforeEach(() => (temp = tempDir()));
  afterEach(async () => {
    reversals?.close();
    await saf?.close();
    await conn?.close();
    await pool?.close();
    await Promise.all(hosts.map((h) => h.stop()));
    hosts = [];
    saf = reversals = conn = pool = undefined;
    temp.remove();
  });

  async function setUp(target: DestinationOptions['target'], destination: Partial<DestinationOptions> = {}) {
    saf = createStoreAndForward({
      store: await openJournalStore({ path: path.join(temp.dir, 'saf.journal') }),
      spec: spec87ascii,
      cardData: { key: TEST_KEY },
      destinations: {
        host: { target, responseTimeout: 150, retry: { initial: 20, max: 80, jitter: 0 }, ...destination },
      },
    });
    reversals = createAutoReversal({ saf, destination: 'host' });
  }

  const reversalEvent = <T extends ReversalEvent['type']>(type: T) =>
    firstValueFrom(reversals!.events$.pipe(filter((e): e is Extract<ReversalEvent, { type: T }> => e.type === type)));

  it('reverses a timed-out 0100 with an 0400 stored before the failure is reported, repeated as 0401 until the 0410', async () => {
    let reversalsSeen = 0;
    const host = new TestHost((request) => (isReversal(request) && ++reversalsSeen >= 3 ? '00' : undefined));
    hosts.push(await host.start());
    conn = await connect(linkTo(host.port));
    // The exact sequence below needs the third attempt's answer inside responseTimeout: 1 s, not the
    // 150 ms that a round trip on a loaded machine can exceed (it would go a fourth time).
    await setUp(conn, { responseTimeout: 1_000 });
    const reversed = reversalEvent('reversed');

    const original = cardMessage('0100', '000123');
    const failure = await reversals!.send(conn, original, { timeout: 100 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SendTimeoutError);
    // When the caller hears of the failure, the reversal is in the store and in the journal file.
    expect(saf!.store.pending('host').map((e) => [e.kind, e.message.mti])).toEqual([['reversal', '0400']]);
    expect(statSync(path.join(temp.dir, 'saf.journal')).size).toBeGreaterThan(0);

    expect((await reversed).response.mti).toBe('0410');
    expect(host.received.map((r) => r.mti)).toEqual(['0100', '0400', '0401', '0401']);
    const first = host.received[1]!.message;
    expect(first.get(11)).toBe('000123');
    expect(first.get(39)).toBe('68');
    expect(first.get(90)).toBe('0100' + '000123' + '0309070501' + '00000123456' + '00000000000');
    expect(first.get(7)).not.toBe('0309070501'); // field 7 is the reversal's own transmission time
    expect(first.get(2)).toBe(original.get(2));
    expect(first.has(35)).toBe(false);
    expect(saf!.store.pending('host')).toEqual([]);
  });

  it('a late 0410 to the first 0400 ends the repeats', async () => {
    const host = new TestHost(() => undefined);
    hosts.push(await host.start());
    conn = await connect(linkTo(host.port));
    await setUp(conn, { retry: { initial: 2_000, max: 2_000, jitter: 0 } });
    const reversed = reversalEvent('reversed');
    await reversals!.send(conn, cardMessage('0100', '000124'), { timeout: 100 }).catch(() => undefined);
    const firstReversal = await host.nth(1, isReversal);
    await firstValueFrom(saf!.events$.pipe(filter((e) => e.type === 'retry')));
    await firstReversal.conn.reply(responseTo(firstReversal.message, '00'));
    expect((await reversed).response.mti).toBe('0410');
    expect(host.received.map((r) => r.mti)).toEqual(['0100', '0400']);
  });

  it('a reversal in flight on a pool link that dies goes out again, as 0401, on another link', async () => {
    const first = new TestHost(() => undefined);
    const second = new TestHost((request) => (isReversal(request) ? '00' : undefined));
    hosts.push(await first.start(), second);
    const secondPort = await second.start().then(async (h) => (await h.stop(), h.port));
    pool = createPool({
      addresses: [first.address, `127.0.0.1:${secondPort}`],
      connection: (address) => linkTo(Number(address.split(':')[1])),
      minConnections: 1,
      reconnect: { initial: 20, max: 50, jitter: 0 },
    });
    await pool.connect();
    await setUp(pool, { responseTimeout: 5_000 });
    const reversed = reversalEvent('reversed');

    await reversals!.send(pool, cardMessage('0100', '000125'), { timeout: 100 }).catch(() => undefined);
    await first.nth(1, isReversal); // the 0400 is pending on the first link...
    await first.stop(); // ...which dies
    await second.start(secondPort);
    expect((await reversed).response.mti).toBe('0410');
    expect(first.received.map((r) => r.mti)).toEqual(['0100', '0400']);
    expect(second.received.map((r) => `${r.mti}/${r.stan}`)).toEqual(['0401/000125']);
  });

  it('reverses a request whose link died after it was written, with the link-down reason', async () => {
    const host = new TestHost(() => undefined);
    hosts.push(await host.start());
    conn = await connect(linkTo(host.port));
    await setUp(() => connect(linkTo(host.port)));
    const queued = reversalEvent('queued');
    const sending = reversals!.send(conn, cardMessage('0200', '000126'), { timeout: 5_000 }).catch((e: unknown) => e);
    await host.nth(1);
    await host.stop();
    expect(await sending).toBeInstanceOf(ConnectionClosedError);
    expect(await queued).toMatchObject({ mti: '0400', reason: '68', originalKey: '020|000126|TERM0001' });
  });

  it('reports a late approval of the original that arrives after its reversal was queued', async () => {
    const host = new TestHost(() => undefined);
    hosts.push(await host.start());
    conn = await connect(linkTo(host.port));
    await setUp(conn, { retry: { initial: 5_000, max: 5_000, jitter: 0 } });
    const late = reversalEvent('lateResponse');
    await reversals!.send(conn, cardMessage('0100', '000127'), { timeout: 100 }).catch(() => undefined);
    const original = await host.nth(1);
    await original.conn.reply(responseTo(original.message, '00'));
    expect(await late).toMatchObject({ id: 1, originalKey: '010|000127|TERM0001', approved: true });
  });

  it('sends no reversal for a request that is not financial, or that failed for another reason', async () => {
    const host = new TestHost(() => undefined);
    hosts.push(await host.start());
    conn = await connect(linkTo(host.port));
    await setUp(conn);
    const echo = cardMessage('0800', '000128');
    await expect(reversals!.send(conn, echo, { timeout: 50 })).rejects.toBeInstanceOf(SendTimeoutError);
    expect(saf!.store.pending('host')).toEqual([]);
  });

  it('sends no reversal for a request refused before it reached the socket (written: false)', async () => {
    const host = new TestHost(() => undefined);
    hosts.push(await host.start());
    conn = await connect(linkTo(host.port));
    await setUp(() => connect(linkTo(host.port)));
    await conn.close();
    const failure = await reversals!.send(conn, cardMessage('0100', '000130')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionClosedError);
    expect((failure as ConnectionClosedError).written).toBe(false);
    expect(saf!.store.pending('host')).toEqual([]);
  });

  it("parks a reversal that reached its destination's limit, and reports it", async () => {
    const host = new TestHost(() => undefined);
    hosts.push(await host.start());
    conn = await connect(linkTo(host.port));
    await setUp(conn, { maxAttempts: 2 });
    const parked = reversalEvent('parked');
    await reversals!.send(conn, cardMessage('0100', '000131'), { timeout: 50 }).catch(() => undefined);
    expect(await parked).toMatchObject({ id: 1, reason: 'no final response after 2 attempts' });
    expect(host.received.map((r) => r.mti)).toEqual(['0100', '0400', '0401']);
    expect(saf!.parked().map((e) => [e.kind, e.message.mti])).toEqual([['reversal', '0400']]);
  });

  it('manual partial reversal: field 95 and the same durable path', async () => {
    const host = new TestHost((request) => (isReversal(request) ? '00' : undefined));
    hosts.push(await host.start());
    conn = await connect(linkTo(host.port));
    await setUp(conn);
    const reversed = reversalEvent('reversed');
    const replacement = '000000000500'.padEnd(42, '0');
    const entry = await reversals!.reverse(cardMessage('0200', '000129'), '17', { replacementAmounts: replacement });
    expect(saf!.store.pending('host').map((e) => e.id)).toEqual([entry.id]);
    await reversed;
    const sent = host.received[0]!.message;
    expect([sent.mti, sent.get(39), sent.get(95), sent.get(4)]).toEqual(['0400', '17', replacement, '000000001500']);
  });
});
