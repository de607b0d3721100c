import { backoffDelay, type Connection } from '@rx8583/connection';
import { PackError, type Message } from '@rx8583/iso8583';
import { Subject, type Observable, type Subscription } from 'rxjs';
import { fromStoredMessage, toStoredMessage } from '../card-data/stored-message';
import { StoreClosedError, TransactionsError } from '../errors';
import type { EntryKind, ForwardStore, StoredEntry } from '../store/types';
import type { ForwardEvent } from './events';
import { linkSource, type LinkSource } from './link-source';
import { resolveForwardOptions, type ResolvedDestination, type StoreAndForwardOptions } from './options';
import { repeatMti } from './repeat-mti';

/** Per-call options of `enqueue`. */
export interface EnqueueOptions {
  /** Milliseconds after which it is parked instead of sent; overrides the destination's `expireAfter`. */
  expireAfter?: number;
  /** `advice` (default) or `reversal` (any response ends it). */
  kind?: EntryKind;
  /** Text kept with the entry (never card data), e.g. a reference of the application's. */
  note?: Record<string, string>;
}

/** One destination's delivery loop and what it waits on. */
interface Lane {
  readonly name: string;
  readonly options: ResolvedDestination;
  readonly source: LinkSource;
  /** Wakes the loop when it waits for an entry (set while it waits). */
  wake?: () => void;
  /** The head entry's correlation key while it waits between attempts, and how to end the wait. */
  awaiting?: { key: string; resolve: (response: Message) => void };
  done?: Promise<void>;
  subscription?: Subscription;
}

/**
 * Durable store-and-forward of advices and reversals: `enqueue` resolves once the message is in the
 * store; each named destination delivers its entries one at a time, in order, at least once. Every
 * attempt is recorded before it is sent, so one that may have gone out before a crash goes out
 * again as a repeat (0220 → 0221). A response ends the repeats (its code decides done, retry or
 * park; a late response to an earlier attempt counts too); no response means a wait on the retry
 * schedule, then a repeat. An entry is parked — out of the way of the others — after
 * `maxAttempts`, at expiry, or when it cannot be packed.
 */
export class StoreAndForward {
  readonly #store: ForwardStore;
  readonly #options: StoreAndForwardOptions;
  readonly #lanes = new Map<string, Lane>();
  readonly #events = new Subject<ForwardEvent>();
  readonly #stop = new AbortController();
  readonly #random: () => number;
  #closing: Promise<void> | undefined;

  /** Lifecycle of entries: enqueued, attempt, delivered, retry, parked, waiting, error. */
  readonly events$: Observable<ForwardEvent> = this.#events.asObservable();

  /** @internal Use {@link createStoreAndForward}. */
  constructor(options: StoreAndForwardOptions) {
    const destinations = resolveForwardOptions(options);
    this.#store = options.store;
    this.#options = options;
    this.#random = options.random ?? Math.random;
    for (const [name, resolved] of destinations) {
      this.#lanes.set(name, { name, options: resolved, source: linkSource(resolved.target) });
    }
    for (const lane of this.#lanes.values()) {
      lane.subscription = lane.source.unmatched$.subscribe((response) => this.#onUnmatched(lane, response));
      lane.done = this.#run(lane);
    }
  }

  /** The store entries live in. */
  get store(): ForwardStore {
    return this.#store;
  }

  /**
   * Stores `message` for `destination` (card data stripped and protected) and resolves with the
   * entry once it is durable; delivery follows in the background.
   */
  async enqueue(destination: string, message: Message, options: EnqueueOptions = {}): Promise<StoredEntry> {
    if (this.#closing) throw new StoreClosedError('store-and-forward');
    const lane = this.#lanes.get(destination);
    if (lane === undefined) throw new TypeError(`enqueue: no destination named '${destination}'`);
    const expireAfter = options.expireAfter ?? lane.options.expireAfter;
    const now = Date.now();
    const entry = await this.#store.add({
      destination,
      kind: options.kind ?? 'advice',
      message: await toStoredMessage(message, this.#options.cardData),
      enqueuedAt: now,
      ...(expireAfter === undefined ? {} : { expiresAt: now + expireAfter }),
      ...(options.note === undefined ? {} : { note: options.note }),
    });
    this.#events.next({ type: 'enqueued', id: entry.id, destination, mti: message.mti });
    lane.wake?.();
    return entry;
  }

  /** Parked entries, oldest first. */
  parked(): readonly StoredEntry[] {
    return this.#store.parked();
  }

  /** Puts a parked entry back at the end of its destination's queue, with a fresh attempt count. */
  async requeue(id: number): Promise<void> {
    const entry = this.#store.parked().find((e) => e.id === id);
    await this.#store.requeue(id);
    if (entry) this.#lanes.get(entry.destination)?.wake?.();
  }

  /** Removes a parked or pending entry undelivered. */
  discard(id: number): Promise<void> {
    return this.#store.discard(id);
  }

  /**
   * Stops delivering: waits between attempts end at once, an attempt in flight settles (within its
   * `responseTimeout`), then the store is closed. Entries not delivered stay in the store for the
   * next start. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stop.abort();
      for (const lane of this.#lanes.values()) {
        lane.wake?.();
        lane.subscription?.unsubscribe();
      }
      await Promise.all([...this.#lanes.values()].map((lane) => lane.done));
      this.#events.complete();
      await this.#store.close();
    })();
    return this.#closing;
  }

  async #run(lane: Lane): Promise<void> {
    const { signal } = this.#stop;
    while (!signal.aborted) {
      try {
        const entry = this.#store.pending(lane.name)[0];
        if (entry === undefined) await new Promise<void>((resolve) => (lane.wake = resolve));
        else await this.#deliver(lane, entry);
      } catch (error) {
        // A store failure: report it and back off, so a full disk does not spin the loop.
        if (signal.aborted) break;
        this.#events.next({ type: 'error', destination: lane.name, error: asError(error) });
        await this.#sleep(lane.options.retry.initial);
      } finally {
        lane.wake = undefined;
      }
    }
  }

  /** One step for the head entry: park it, or make one attempt and act on its outcome. */
  async #deliver(lane: Lane, entry: StoredEntry): Promise<void> {
    const { options } = lane;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return this.#park(lane, entry, 'expired');
    if (entry.attempts >= options.maxAttempts) {
      return this.#park(lane, entry, `no final response after ${entry.attempts} attempts`);
    }
    let link: Connection;
    try {
      link = await lane.source.get();
    } catch {
      this.#events.next({ type: 'waiting', destination: lane.name });
      const up = lane.source.whenUp();
      await (up === undefined ? this.#sleep(options.retry.initial) : this.#untilStopped(up));
      return;
    }
    let message: Message;
    let key: string;
    try {
      message = await fromStoredMessage(this.#options.spec, entry.message, this.#options.cardData);
      if (entry.sent) message.mti = repeatMti(message.mti);
      key = options.requestKey(message);
    } catch (error) {
      // A wrong key, a spec that no longer fits, a message without a key: it would never go out.
      return this.#park(lane, entry, `cannot be rebuilt: ${asError(error).message}`);
    }
    const attempt = (await this.#store.recordAttempt(entry.id)).attempts;
    this.#events.next({ type: 'attempt', id: entry.id, destination: lane.name, mti: message.mti, attempt });
    let response: Message | undefined;
    let failure: Error | undefined;
    try {
      response = await link.send(message, { timeout: options.responseTimeout });
    } catch (error) {
      failure = asError(error);
      if (error instanceof PackError) return this.#park(lane, entry, `cannot be sent: ${failure.message}`);
    }
    let late = false;
    if (response === undefined) {
      const wait = backoffDelay(attempt, options.retry, this.#random);
      this.#events.next({ type: 'retry', id: entry.id, destination: lane.name, attempt, delay: wait, error: failure });
      response = await this.#awaitLateResponse(lane, key, wait);
      if (response === undefined) return;
      late = true;
    }
    const decision = entry.kind === 'reversal' ? 'done' : options.decide(response, entry);
    if (decision === 'park') {
      return this.#park(lane, entry, `response code ${String(response.has(39) ? response.get(39) : 'absent')}`);
    }
    if (decision === 'retry') {
      const wait = backoffDelay(attempt, options.retry, this.#random);
      this.#events.next({ type: 'retry', id: entry.id, destination: lane.name, attempt, delay: wait, response });
      await this.#sleep(wait);
      return;
    }
    await this.#store.complete(entry.id);
    this.#events.next({ type: 'delivered', id: entry.id, destination: lane.name, kind: entry.kind, response, late });
    if (options.interMessageDelay > 0) await this.#sleep(options.interMessageDelay);
  }

  async #park(lane: Lane, entry: StoredEntry, reason: string): Promise<void> {
    await this.#store.park(entry.id, reason);
    this.#events.next({ type: 'parked', id: entry.id, destination: lane.name, kind: entry.kind, reason });
  }

  /** Waits `ms` for a late response with `key`; resolves with it, or undefined when none came. */
  #awaitLateResponse(lane: Lane, key: string, ms: number): Promise<Message | undefined> {
    return new Promise((resolve) => {
      if (this.#stop.signal.aborted) return resolve(undefined);
      const finish = (response?: Message) => {
        clearTimeout(timer);
        this.#stop.signal.removeEventListener('abort', onAbort);
        lane.awaiting = undefined;
        resolve(response);
      };
      const onAbort = () => finish();
      const timer = setTimeout(finish, ms);
      this.#stop.signal.addEventListener('abort', onAbort);
      lane.awaiting = { key, resolve: finish };
    });
  }

  #onUnmatched(lane: Lane, response: Message): void {
    const awaiting = lane.awaiting;
    if (awaiting === undefined) return;
    let key: string;
    try {
      key = lane.options.requestKey(response);
    } catch {
      return; // a response we cannot key is not ours
    }
    if (key === awaiting.key) awaiting.resolve(response);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#stop.signal;
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }

  /** `promise`, or nothing once the forwarder stops. */
  #untilStopped(promise: Promise<void>): Promise<void> {
    const signal = this.#stop.signal;
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done);
      if (signal.aborted) done();
      promise.then(done, done);
    });
  }
}

/**
 * Creates a store-and-forward over `store` and starts delivering what it holds (entries left by an
 * earlier run, or a crashed one, go first).
 *
 * @example
 * ```ts
 * const saf = createStoreAndForward({
 *   store: await openJournalStore({ path: '/var/lib/acquirer/saf.journal' }),
 *   spec: spec87ascii,
 *   cardData: { key: safKey },                       // 32 bytes from your key store
 *   destinations: { host: { target: pool, retryCodes: ['91'], interMessageDelay: 100 } },
 * });
 * await saf.enqueue('host', completionAdvice);       // on disk when this resolves
 * saf.events$.subscribe((e) => e.type === 'parked' && alert(e));
 * ```
 */
export function createStoreAndForward(options: StoreAndForwardOptions): StoreAndForward {
  return new StoreAndForward(options);
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new TransactionsError(String(value));
}
