import { statSync, truncateSync } from 'node:fs';
import * as path from 'node:path';
import { LockHeldError, openJournalStore, toStoredMessage, type NewEntry } from '@rx8583/transactions';
import { TEST_KEY, cardMessage, tempDir } from './support/host';

describe('openJournalStore', () => {
  let temp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    temp = tempDir();
    file = path.join(temp.dir, 'saf.journal');
  });
  afterEach(() => temp.remove());

  const entry = async (stan: string, destination = 'host'): Promise<NewEntry> => ({
    destination,
    kind: 'advice',
    message: await toStoredMessage(cardMessage('0220', stan), { key: TEST_KEY }),
    enqueuedAt: 0,
  });
  const stans = (entries: readonly { message: { fields: Record<string, unknown> } }[]) =>
    entries.map((e) => e.message.fields['11']);

  it('replays entries, attempts, deliveries and parks after a restart', async () => {
    const store = await openJournalStore({ path: file });
    const [a, b, c] = [
      await store.add(await entry('000001')),
      await store.add(await entry('000002')),
      await store.add(await entry('000003')),
    ];
    await store.recordAttempt(a.id);
    await store.complete(a.id);
    await store.recordAttempt(b.id);
    await store.park(c.id, 'response code 12');
    await store.close();

    const again = await openJournalStore({ path: file });
    expect(stans(again.pending('host'))).toEqual(['000002']);
    expect(again.pending('host')[0]).toMatchObject({ attempts: 1, sent: true });
    expect(again.parked().map((e) => [e.id, e.parked])).toEqual([[c.id, 'response code 12']]);
    expect((await again.add(await entry('000004'))).id).toBe(4); // ids are never reused
    await again.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('recovers from a torn last record: the entries before it are kept', async () => {
    const store = await openJournalStore({ path: file });
    for (const stan of ['000001', '000002', '000003']) await store.add(await entry(stan));
    await store.close();
    truncateSync(file, statSync(file).size - 10);
    const again = await openJournalStore({ path: file });
    expect(stans(again.pending('host'))).toEqual(['000001', '000002']);
    await again.add(await entry('000009'));
    await again.close();
    const third = await openJournalStore({ path: file });
    expect(stans(third.pending('host'))).toEqual(['000001', '000002', '000009']);
    await third.close();
  });

  it('compacts to the live entries, keeping queue order after a requeue and the next id', async () => {
    const store = await openJournalStore({ path: file, compactAfter: 5 });
    const first = await store.add(await entry('000001'));
    await store.park(first.id, 'test');
    for (let i = 2; i <= 12; i++) {
      const e = await store.add(await entry(String(i).padStart(6, '0')));
      if (i < 11) await store.complete(e.id);
    }
    await store.requeue(first.id);
    const before = statSync(file).size;
    await store.compact();
    expect(statSync(file).size).toBeLessThan(before);
    await store.close();
    const again = await openJournalStore({ path: file });
    expect(stans(again.pending('host'))).toEqual(['000011', '000012', '000001']);
    expect((await again.add(await entry('000013'))).id).toBe(13);
    await again.close();
  });

  it('refuses a second writer while the first runs', async () => {
    const store = await openJournalStore({ path: file });
    await expect(openJournalStore({ path: file })).rejects.toBeInstanceOf(LockHeldError);
    await store.close();
  });

  it('keeps destinations apart, each in its own order', async () => {
    const store = await openJournalStore({ path: file });
    await store.add(await entry('000001', 'visa'));
    await store.add(await entry('000002', 'mc'));
    await store.add(await entry('000003', 'visa'));
    expect([...store.destinations()].sort()).toEqual(['mc', 'visa']);
    expect(stans(store.pending('visa'))).toEqual(['000001', '000003']);
    await store.close();
  });
});
