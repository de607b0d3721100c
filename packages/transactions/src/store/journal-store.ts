import { TransactionsError } from '../errors';
import { openJournal, type Journal } from '../journal/journal';
import type { ForwardStore, NewEntry, StoredEntry } from './types';

/** What `openJournalStore` takes. */
export interface JournalStoreOptions {
  /** The journal file (created mode 0600, directory 0700, with a `.lock` beside it). */
  path: string;
  /**
   * Compaction starts when the journal holds this many records more than twice the live entries
   * (done entries' records are dead weight). Default 10 000.
   */
  compactAfter?: number;
}

/** One journal record: an entry added (or restated by compaction), then its life events by id. */
type StoreRecord =
  | { t: 'add'; e: StoredEntry }
  | { t: 'try'; id: number }
  | { t: 'done'; id: number }
  | { t: 'park'; id: number; r: string }
  | { t: 'requeue'; id: number }
  | { t: 'drop'; id: number }
  /** Written by compaction: ids continue from here even when no entry is left (ids are never reused). */
  | { t: 'next'; id: number };

/**
 * A {@link ForwardStore} in one append-only journal file (see `openJournal`): every change is a
 * record, acknowledgements included; a restart replays them. Compaction rewrites the live entries
 * into a fresh file (rewrite + rename + directory fsync).
 */
export class JournalStore implements ForwardStore {
  readonly #journal: Journal<StoreRecord>;
  readonly #compactAfter: number;
  readonly #entries = new Map<number, StoredEntry>();
  readonly #queues = new Map<string, number[]>();
  readonly #parked = new Set<number>();
  #nextId = 1;
  #records = 0;

  /** @internal Use {@link openJournalStore}. */
  constructor(journal: Journal<StoreRecord>, records: readonly StoreRecord[], compactAfter: number) {
    this.#journal = journal;
    this.#compactAfter = compactAfter;
    for (const record of records) this.#apply(record);
    this.#records = records.length;
  }

  /** Bytes in the journal file. */
  get journalSize(): number {
    return this.#journal.size;
  }

  pending(destination: string): readonly StoredEntry[] {
    return (this.#queues.get(destination) ?? []).map((id) => this.#entries.get(id)!);
  }

  destinations(): readonly string[] {
    return [...this.#queues].filter(([, ids]) => ids.length > 0).map(([name]) => name);
  }

  parked(): readonly StoredEntry[] {
    return [...this.#parked].map((id) => this.#entries.get(id)!);
  }

  async add(entry: NewEntry): Promise<StoredEntry> {
    const stored: StoredEntry = { ...entry, id: this.#nextId, attempts: 0, sent: false };
    await this.#record({ t: 'add', e: stored });
    return stored;
  }

  async recordAttempt(id: number): Promise<StoredEntry> {
    this.#entry(id, 'recordAttempt');
    await this.#record({ t: 'try', id });
    return this.#entries.get(id)!;
  }

  async complete(id: number): Promise<void> {
    this.#entry(id, 'complete');
    await this.#record({ t: 'done', id });
    await this.compactIfDue();
  }

  async park(id: number, reason: string): Promise<void> {
    this.#entry(id, 'park');
    await this.#record({ t: 'park', id, r: reason });
  }

  async requeue(id: number): Promise<void> {
    if (!this.#parked.has(id)) throw new TransactionsError(`requeue: entry ${id} is not parked`);
    await this.#record({ t: 'requeue', id });
  }

  async discard(id: number): Promise<void> {
    this.#entry(id, 'discard');
    await this.#record({ t: 'drop', id });
    await this.compactIfDue();
  }

  /** Rewrites the journal with only the live entries, each queue in its delivery order. */
  async compact(): Promise<void> {
    const ids = [...[...this.#queues.values()].flat(), ...this.#parked];
    const snapshot: StoreRecord[] = [
      { t: 'next', id: this.#nextId },
      ...ids.map((id): StoreRecord => ({ t: 'add', e: this.#entries.get(id)! })),
    ];
    this.#records = snapshot.length;
    await this.#journal.rewrite(snapshot);
  }

  /** Compacts when the journal holds `compactAfter` records more than twice the live entries. */
  async compactIfDue(): Promise<void> {
    if (this.#records > 2 * this.#entries.size + this.#compactAfter) await this.compact();
  }

  close(): Promise<void> {
    return this.#journal.close();
  }

  #entry(id: number, where: string): StoredEntry {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw new TransactionsError(`${where}: no entry ${id} in the store`);
    return entry;
  }

  /** Applies the change at once (the views reflect it) and resolves when it is on disk. */
  #record(record: StoreRecord): Promise<void> {
    const written = this.#journal.append(record);
    this.#apply(record);
    this.#records++;
    return written;
  }

  #apply(record: StoreRecord): void {
    if (record.t === 'add') {
      const { e } = record;
      this.#entries.set(e.id, e);
      this.#nextId = Math.max(this.#nextId, e.id + 1);
      if (e.parked !== undefined) this.#parked.add(e.id);
      else this.#queue(e.destination).push(e.id);
      return;
    }
    if (record.t === 'next') {
      this.#nextId = Math.max(this.#nextId, record.id);
      return;
    }
    const entry = this.#entries.get(record.id);
    if (entry === undefined) return;
    switch (record.t) {
      case 'try':
        this.#entries.set(entry.id, { ...entry, attempts: entry.attempts + 1, sent: true });
        return;
      case 'park':
        this.#unqueue(entry);
        this.#parked.add(entry.id);
        this.#entries.set(entry.id, { ...entry, parked: record.r });
        return;
      case 'requeue': {
        this.#unqueue(entry);
        this.#parked.delete(entry.id);
        const { parked: _parked, ...rest } = entry;
        this.#entries.set(entry.id, { ...rest, attempts: 0 });
        this.#queue(entry.destination).push(entry.id);
        return;
      }
      case 'done':
      case 'drop':
        this.#unqueue(entry);
        this.#parked.delete(entry.id);
        this.#entries.delete(entry.id);
        return;
    }
  }

  #queue(destination: string): number[] {
    let ids = this.#queues.get(destination);
    if (ids === undefined) this.#queues.set(destination, (ids = []));
    return ids;
  }

  #unqueue(entry: StoredEntry): void {
    const ids = this.#queues.get(entry.destination);
    const at = ids?.indexOf(entry.id) ?? -1;
    if (at >= 0) ids!.splice(at, 1);
  }
}

/**
 * Opens the journal store at `path`: takes its single-writer lock (a crashed owner's lock is taken
 * over), replays the journal, cuts a torn tail, and compacts it when it is due.
 *
 * @example
 * ```ts
 * const store = await openJournalStore({ path: '/var/lib/acquirer/saf.journal' });
 * const saf = createStoreAndForward({ store, spec: spec87ascii, cardData: { key }, destinations: { host: { target: pool } } });
 * ```
 */
export async function openJournalStore(options: JournalStoreOptions): Promise<JournalStore> {
  const compactAfter = options.compactAfter ?? 10_000;
  if (typeof options.path !== 'string' || options.path === '') {
    throw new TypeError('openJournalStore: path must name the journal file');
  }
  if (!Number.isInteger(compactAfter) || compactAfter < 0) {
    throw new RangeError(`openJournalStore: compactAfter must be a whole number, got ${String(compactAfter)}`);
  }
  const { journal, records } = await openJournal<StoreRecord>(options.path);
  const store = new JournalStore(journal, records, compactAfter);
  await store.compactIfDue();
  return store;
}
