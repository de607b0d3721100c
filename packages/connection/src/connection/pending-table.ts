/**
 * The pending requests of one connection by correlation key: a null-prototype object (which V8
 * keeps as a plain hash table) rather than a `Map`.
 *
 * Why not a `Map`: a connection's pending set churns — one insert and one delete per round trip,
 * about 100 live keys — and V8 rebuilds a `Map`'s table every few hundred of those. The table it
 * drops keeps its entries and a link to its successor (so that live iterators can catch up). Once
 * one such table has reached the old generation (after any full GC), every scavenge treats that
 * link as a root: the dead tables since the last full GC, and every request they still list with
 * its frame, promise and response, survive and get promoted. Measured over loopback with 100
 * sequential senders: ~2.5 MB promoted per scavenge, scavenges of 5–10 ms and a full GC every
 * ~300 ms — the whole p99 latency. A dictionary object drops its old table without such a link.
 */
export class PendingTable<T extends object> {
  private entries: Record<string, T> = Object.create(null) as Record<string, T>;
  private count = 0;

  /** Entries in the table. */
  get size(): number {
    return this.count;
  }

  get(key: string): T | undefined {
    return this.entries[key];
  }

  has(key: string): boolean {
    return this.entries[key] !== undefined;
  }

  /** Adds an entry; the caller has checked that `key` is not present. */
  add(key: string, value: T): void {
    this.entries[key] = value;
    this.count++;
  }

  /** Removes the entry under `key`; false when there was none. */
  delete(key: string): boolean {
    if (this.entries[key] === undefined) return false;
    delete this.entries[key];
    this.count--;
    return true;
  }

  /** A snapshot of the entries (in insertion order, except that integer-like keys come first). */
  values(): T[] {
    return Object.values(this.entries);
  }
}
