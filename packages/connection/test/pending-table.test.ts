import fc from 'fast-check';
import { PendingTable } from '../src/connection/pending-table';

interface Entry {
  id: number;
}

type Op = { kind: 'add'; key: string } | { kind: 'delete'; key: string };

describe('PendingTable (pending requests by key)', () => {
  it('behaves like a Map under any sequence of adds and deletes, through growing and shrinking', () => {
    // Few distinct keys force probe collisions and deletions inside runs; long sequences cross
    // the resize thresholds both ways.
    const key = fc.oneof(
      fc.integer({ min: 0, max: 40 }).map(String),
      fc.integer({ min: 0, max: 2_000 }).map((n) => `0|${n}|`),
    );
    // Adds outweigh deletes so the table fills up (long probe runs) before it drains.
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: key.map((k) => ({ kind: 'add' as const, key: k })), weight: 2 },
      { arbitrary: key.map((k) => ({ kind: 'delete' as const, key: k })), weight: 1 },
    );
    fc.assert(
      // Plain comparisons, not expect(), inside the loop: expect() per step makes runs slow.
      fc.property(fc.array(op, { minLength: 100, maxLength: 3_000, size: 'max' }), (ops) => {
        const table = new PendingTable<Entry>();
        const model = new Map<string, Entry>();
        let id = 0;
        for (const { kind, key: k } of ops) {
          if (kind === 'add') {
            if (model.has(k)) continue; // the caller checks for duplicates first
            const entry = { id: id++ };
            table.add(k, entry);
            model.set(k, entry);
          } else if (table.delete(k) !== model.delete(k) || table.has(k)) {
            return false;
          }
          if (table.size !== model.size) return false;
        }
        for (const [k, entry] of model) if (table.get(k) !== entry) return false;
        const listed = table.values();
        const expected = [...model.values()];
        return listed.length === expected.length && listed.every((entry, i) => entry === expected[i]);
      }),
      { numRuns: 100 },
    );
  });

  it('holds 20 000 entries, finds each, and empties completely', () => {
    const table = new PendingTable<Entry>();
    for (let i = 0; i < 20_000; i++) table.add(`0|${i}|TERM0001`, { id: i });
    expect(table.size).toBe(20_000);
    for (let i = 0; i < 20_000; i += 199) expect(table.get(`0|${i}|TERM0001`)).toEqual({ id: i });
    let deleted = 0;
    for (let i = 0; i < 20_000; i++) if (table.delete(`0|${i}|TERM0001`)) deleted++;
    expect(deleted).toBe(20_000);
    expect(table.size).toBe(0);
    expect(table.values()).toEqual([]);
    expect(table.get('0|5|TERM0001')).toBeUndefined();
  });

  it('lists values in insertion order, not slot order', () => {
    const table = new PendingTable<Entry>();
    const keys = Array.from({ length: 300 }, (_, i) => `k${(i * 7919) % 1000}`);
    keys.forEach((k, i) => table.add(k, { id: i }));
    expect(table.values().map((e) => e.id)).toEqual(keys.map((_, i) => i));
  });
});
