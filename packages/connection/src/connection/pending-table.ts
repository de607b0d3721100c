// Slots of a table at its first request (an empty one has none): room for 8 requests in flight
// before the next resize. Small because
// most links of a terminal-facing host are idle, and 3 arrays of 256 slots cost 6 KiB a link
// (measured: 1 000 accepted sockets, 24.4 -> 18.3 KiB of heap each); a busy link grows to its peak
// in a few doublings and stays there (it shrinks only below an eighth full).
const MIN_CAPACITY = 16;

/**
 * The pending requests of one connection by correlation key: an open-addressing hash table
 * (linear probing, deletion by shifting back, so no tombstones) over arrays that live as long as
 * the connection.
 *
 * Why not a `Map`: a connection's pending set churns — one insert and one delete per round trip,
 * about 100 live keys — and V8 rebuilds a `Map`'s table every few hundred of those. The table it
 * drops keeps its entries and a link to its successor (so that live iterators can catch up). Once
 * one such table has reached the old generation (after any full GC), every scavenge treats that
 * link as a root: the dead tables since the last full GC, and every request they still list with
 * its frame, promise and response, survive and get promoted. Measured over loopback with 100
 * sequential senders: ~2.5 MB promoted per scavenge, scavenges of 5–10 ms and a full GC every
 * ~300 ms — the whole p99 latency. Here the arrays are only replaced when the table grows, and a
 * deleted slot is cleared at once, so a settled request is unreachable from the table.
 * (A null-prototype object would avoid the chain too, but is ~3x slower per operation: every
 * fresh key string gets internalised.)
 */
export class PendingTable<T extends object> {
  private slotKeys: (string | undefined)[];
  private slotValues: (T | undefined)[];
  /** Insertion number of each slot's entry, so `values()` can list them in insertion order. */
  private slotOrder: number[];
  private mask: number;
  private count = 0;
  private inserted = 0;

  constructor() {
    // No slots until the first request: most links of a terminal-facing host never send one.
    this.slotKeys = [];
    this.slotValues = [];
    this.slotOrder = [];
    this.mask = 0;
  }

  /** Entries in the table. */
  get size(): number {
    return this.count;
  }

  get(key: string): T | undefined {
    const slot = this.find(key);
    return slot < 0 ? undefined : this.slotValues[slot];
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** Adds an entry; the caller has checked that `key` is not present. */
  add(key: string, value: T): void {
    // Grow at half full: probe runs stay short, and resizing is rare (it follows the peak in flight).
    if ((this.count + 1) * 2 > this.slotKeys.length) this.resize(Math.max(MIN_CAPACITY, this.slotKeys.length * 2));
    this.place(key, value, this.inserted++);
    this.count++;
  }

  /** Removes the entry under `key`; false when there was none. */
  delete(key: string): boolean {
    let hole = this.find(key);
    if (hole < 0) return false;
    const { slotKeys: keys, slotValues: values, slotOrder: order, mask } = this;
    // Shift later members of the probe run back into the hole, so lookups never meet a gap
    // inside a run (and no tombstones pile up under churn).
    for (let next = (hole + 1) & mask; keys[next] !== undefined; next = (next + 1) & mask) {
      const home = hashOf(keys[next] as string) & mask;
      // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      keys[hole] = keys[next];
      values[hole] = values[next];
      order[hole] = order[next];
      hole = next;
    }
    keys[hole] = undefined;
    values[hole] = undefined;
    this.count--;
    // Shrink after a burst (say 100 000 concurrent sends) so the arrays do not stay at its size.
    if (this.count * 8 < keys.length && keys.length > MIN_CAPACITY) this.resize(keys.length / 2);
    return true;
  }

  /** A snapshot of the values, in insertion order. */
  values(): T[] {
    const slots: number[] = [];
    for (let i = 0; i < this.slotKeys.length; i++) if (this.slotKeys[i] !== undefined) slots.push(i);
    slots.sort((a, b) => this.slotOrder[a] - this.slotOrder[b]);
    return slots.map((slot) => this.slotValues[slot] as T);
  }

  /** The slot holding `key`, or -1. */
  private find(key: string): number {
    const { slotKeys: keys, mask } = this;
    for (let slot = hashOf(key) & mask; ; slot = (slot + 1) & mask) {
      const candidate = keys[slot];
      if (candidate === undefined) return -1;
      if (candidate === key) return slot;
    }
  }

  private place(key: string, value: T, insertion: number): void {
    const { slotKeys: keys, mask } = this;
    let slot = hashOf(key) & mask;
    while (keys[slot] !== undefined) slot = (slot + 1) & mask;
    keys[slot] = key;
    this.slotValues[slot] = value;
    this.slotOrder[slot] = insertion;
  }

  private resize(capacity: number): void {
    const { slotKeys: keys, slotValues: values, slotOrder: order } = this;
    this.slotKeys = new Array<string | undefined>(capacity).fill(undefined);
    this.slotValues = new Array<T | undefined>(capacity).fill(undefined);
    this.slotOrder = new Array<number>(capacity).fill(0);
    this.mask = capacity - 1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== undefined) this.place(keys[i] as string, values[i] as T, order[i]);
    }
    // The old arrays may sit in the old generation: emptied, they keep no request alive.
    keys.fill(undefined);
    values.fill(undefined);
  }
}

/** FNV-1a over the UTF-16 code units: cheap for the short keys of ISO 8583 and well spread. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
