import type { StoredMessage } from '../card-data/stored-message';

/** What an entry is for: an advice (0120, 0220, custom) or a reversal (0400, 0420, 1420). */
export type EntryKind = 'advice' | 'reversal';

/** One message kept by a store until it is delivered, parked or discarded. */
export interface StoredEntry {
  /** The store's id, unique and increasing in enqueue order. */
  readonly id: number;
  /** The named destination it goes to; each destination delivers in its own order. */
  readonly destination: string;
  /** Advice or reversal. */
  readonly kind: EntryKind;
  /** The message as stored: sensitive authentication data stripped, PAN protected. */
  readonly message: StoredMessage;
  /** When it was enqueued (ms since the epoch). */
  readonly enqueuedAt: number;
  /** When it stops being sent and is parked instead (ms since the epoch); absent = never. */
  readonly expiresAt?: number;
  /** Attempts recorded since it was (re)queued. */
  readonly attempts: number;
  /** Whether it was ever attempted: the next attempt goes as a repeat (0220 → 0221). */
  readonly sent: boolean;
  /** Why it was parked; absent while it waits for delivery. */
  readonly parked?: string;
  /** Text the application or the reversal builder attached (e.g. the original's key). Never card data. */
  readonly note?: Readonly<Record<string, string>>;
}

/** What `ForwardStore.add` takes: the entry without what the store assigns. */
export type NewEntry = Omit<StoredEntry, 'id' | 'attempts' | 'sent' | 'parked'>;

/**
 * Where store-and-forward keeps its entries. `add` and `recordAttempt` resolve only once what they
 * record would survive a crash; the views (`pending`, `parked`) are synchronous and reflect every
 * call made so far. `openJournalStore` is the file implementation; others (a JetStream stream for
 * several processes) implement the same contract.
 */
export interface ForwardStore {
  /** Entries waiting for delivery to `destination`, in delivery order. */
  pending(destination: string): readonly StoredEntry[];
  /** Every destination with pending entries. */
  destinations(): readonly string[];
  /** Parked (dead-lettered) entries, oldest first. */
  parked(): readonly StoredEntry[];
  /** Adds an entry at the end of its destination's queue; resolves when durable. */
  add(entry: NewEntry): Promise<StoredEntry>;
  /** Records that an attempt is about to be sent; resolves when durable, with the updated entry. */
  recordAttempt(id: number): Promise<StoredEntry>;
  /** The entry was delivered: it leaves the store. */
  complete(id: number): Promise<void>;
  /** The entry leaves its queue for the parked list, with the reason. */
  park(id: number, reason: string): Promise<void>;
  /** A parked entry goes back to the end of its destination's queue, its attempts counted afresh. */
  requeue(id: number): Promise<void>;
  /** A parked or pending entry leaves the store undelivered. */
  discard(id: number): Promise<void>;
  /** Flushes and closes; the store takes no more calls. */
  close(): Promise<void>;
}
