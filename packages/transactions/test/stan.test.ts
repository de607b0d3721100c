import { statSync } from 'node:fs';
import * as path from 'node:path';
import { LockHeldError, MAX_STAN, openStanGenerator } from '@rx8583/transactions';
import { tempDir } from './support/host';

describe('openStanGenerator', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir()));
  afterEach(() => temp.remove());

  it('counts 000001 to 999999 and wraps to 000001, never issuing 000000', async () => {
    const stans = await openStanGenerator({ blockSize: 100_000 });
    const seen: string[] = [];
    for (let i = 0; i < MAX_STAN + 2; i++) seen.push(stans.next());
    expect(seen[0]).toBe('000001');
    expect(seen[MAX_STAN - 1]).toBe('999999');
    expect(seen[MAX_STAN]).toBe('000001');
    expect(seen[MAX_STAN + 1]).toBe('000002');
    expect(seen).not.toContain('000000');
    await stans.close();
  });

  it('keeps one sequence per scope (terminal or link)', async () => {
    const stans = await openStanGenerator();
    expect([stans.next('T1'), stans.next('T1'), stans.next('T2'), stans.next(), stans.next('T1')]).toEqual([
      '000001',
      '000002',
      '000001',
      '000001',
      '000003',
    ]);
    await stans.close();
  });

  it('never repeats a number of the cycle after a restart, skipping the rest of the reserved block', async () => {
    const file = path.join(temp.dir, 'stan');
    const first = await openStanGenerator({ file, blockSize: 10 });
    const issued = Array.from({ length: 25 }, () => first.next('T1'));
    expect(first.next('T2')).toBe('000001');
    await first.close();

    const second = await openStanGenerator({ file, blockSize: 10 });
    const after = Array.from({ length: 5 }, () => second.next('T1'));
    expect(after[0]).toBe('000031'); // 25 issued from blocks 1-10, 11-20, 21-30
    expect(after.filter((s) => issued.includes(s))).toEqual([]);
    expect(second.next('T2')).toBe('000011');
    await second.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes one record per block, not per number', async () => {
    const file = path.join(temp.dir, 'stan');
    const stans = await openStanGenerator({ file, blockSize: 1_000 });
    for (let i = 0; i < 2_500; i++) stans.next();
    await stans.close();
    // 3 reservations of 8-byte header + {"s":"","n":...}
    expect(statSync(file).size).toBe(3 * (8 + JSON.stringify({ s: '', n: 1001 }).length));
  });

  it('resumes at 000001 of a new cycle when the last block of the cycle was reserved', async () => {
    const file = path.join(temp.dir, 'stan');
    const first = await openStanGenerator({ file, blockSize: 100_000 });
    for (let i = 0; i < MAX_STAN - 1; i++) first.next();
    expect(first.next()).toBe('999999');
    await first.close();
    const second = await openStanGenerator({ file, blockSize: 1_000 });
    expect(second.next()).toBe('000001');
    await second.close();
  });

  it('refuses a second writer while the first runs', async () => {
    const file = path.join(temp.dir, 'stan');
    const first = await openStanGenerator({ file });
    await expect(openStanGenerator({ file })).rejects.toBeInstanceOf(LockHeldError);
    await first.close();
    const again = await openStanGenerator({ file });
    await again.close();
  });

  it('refuses a block size outside 1..999999', async () => {
    await expect(openStanGenerator({ blockSize: 0 })).rejects.toThrow(
      'blockSize must be an integer in 1..999999, got 0',
    );
  });
});
