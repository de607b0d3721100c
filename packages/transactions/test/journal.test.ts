import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LockHeldError, StoreClosedError, acquireLock, openJournal } from '@rx8583/transactions';
import { tempDir } from './support/host';

type Rec = { n: number; text?: string };

describe('openJournal', () => {
  let temp: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    temp = tempDir();
    file = path.join(temp.dir, 'sub', 'j.journal');
  });
  afterEach(() => temp.remove());

  async function write(records: Rec[]): Promise<void> {
    const { journal } = await openJournal<Rec>(file);
    await Promise.all(records.map((r) => journal.append(r)));
    await journal.close();
  }

  it('gives back every appended record in order after a reopen; files are private', async () => {
    await write([{ n: 1 }, { n: 2, text: 'two' }]);
    await write([{ n: 3 }]);
    const { journal, records, cutBytes } = await openJournal<Rec>(file);
    expect(records).toEqual([{ n: 1 }, { n: 2, text: 'two' }, { n: 3 }]);
    expect(cutBytes).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    await journal.close();
  });

  it('cuts a torn last record (a write the crash interrupted) and keeps appending after the good ones', async () => {
    await write([{ n: 1 }, { n: 2 }, { n: 3, text: 'the torn one' }]);
    const size = statSync(file).size;
    truncateSync(file, size - 5);
    const { journal, records, cutBytes } = await openJournal<Rec>(file);
    expect(records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(cutBytes).toBe(8 + JSON.stringify({ n: 3, text: 'the torn one' }).length - 5);
    await journal.append({ n: 4 });
    await journal.close();
    expect((await reopen()).map((r) => r.n)).toEqual([1, 2, 4]);
  });

  it('cuts a tail whose CRC fails (half-flushed bytes) and a header cut short', async () => {
    await write([{ n: 1 }, { n: 2 }]);
    const bytes = readFileSync(file);
    bytes[bytes.length - 2] ^= 0xff; // flip a byte inside record 2's payload
    writeFileSync(file, bytes);
    appendFileSync(file, Buffer.from([0, 0, 0])); // and a partial header after it
    expect((await reopen()).map((r) => r.n)).toEqual([1]);
    expect(statSync(file).size).toBe(8 + JSON.stringify({ n: 1 }).length);
  });

  it('compacts by rewriting: the new contents replace the old whole, appends after go on', async () => {
    const { journal } = await openJournal<Rec>(file);
    for (let n = 1; n <= 50; n++) void journal.append({ n });
    const compacted = journal.rewrite([{ n: 100 }]);
    const after = journal.append({ n: 101 });
    await Promise.all([compacted, after]);
    await journal.close();
    expect(await reopen()).toEqual([{ n: 100 }, { n: 101 }]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses appends after close', async () => {
    const { journal } = await openJournal<Rec>(file);
    await journal.close();
    await expect(journal.append({ n: 1 })).rejects.toBeInstanceOf(StoreClosedError);
  });

  async function reopen(): Promise<Rec[]> {
    const { journal, records } = await openJournal<Rec>(file);
    await journal.close();
    return records;
  }
});

describe('acquireLock', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir()));
  afterEach(() => temp.remove());

  it('refuses a second owner while the first lives, with its pid', async () => {
    const file = path.join(temp.dir, 'x.lock');
    const lock = await acquireLock(file);
    const refused = await acquireLock(file).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockHeldError);
    expect((refused as LockHeldError).pid).toBe(process.pid);
    await lock.release();
    await (await acquireLock(file)).release();
  });

  it('takes over the lock of a process that has died', async () => {
    const file = path.join(temp.dir, 'x.lock');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(file, JSON.stringify({ pid: dead, start: '1' }));
    const lock = await acquireLock(file);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock whose pid now belongs to a process that started at another time', async () => {
    const file = path.join(temp.dir, 'x.lock');
    // Our own pid (alive), but with a start time that is not ours: the pid was reused.
    writeFileSync(file, JSON.stringify({ pid: process.pid, start: 'not-our-start' }));
    const lock = await acquireLock(file);
    await lock.release();
  });

  it('treats an unreadable lock file as stale', async () => {
    const file = path.join(temp.dir, 'x.lock');
    writeFileSync(file, '');
    await (await acquireLock(file)).release();
  });
});
