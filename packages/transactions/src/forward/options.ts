import { defaultRequestKey, type BackoffSchedule, type RequestKeyFn } from '@rx8583/connection';
import type { Message, MessageSpec } from '@rx8583/iso8583';
import { assertCardDataOptions, type CardDataOptions } from '../card-data/stored-message';
import type { ForwardStore, StoredEntry } from '../store/types';
import type { LinkTarget } from './link-source';

/** What a response means for a stored advice. */
export type Decision = 'done' | 'retry' | 'park';

/** How one named destination is delivered to. */
export interface DestinationOptions {
  /** The link(s) its messages go out on: a `Connection`, a `Pool`, or a function giving a connection. */
  target: LinkTarget;
  /** Milliseconds to wait for each attempt's response (the send timeout). Default 30 000. */
  responseTimeout?: number;
  /**
   * The wait after an attempt that got no response (timeout, link down) or a "retry" decision:
   * `initial`, doubling per attempt up to `max`, spread by ±`jitter`. Default
   * `{ initial: 5_000, max: 300_000, jitter: 0.2 }`; missing fields take these.
   */
  retry?: Partial<BackoffSchedule>;
  /** Attempts before an entry is parked for manual handling. Default 10; `Infinity` never parks. */
  maxAttempts?: number;
  /** Milliseconds after enqueue at which an entry is parked instead of sent. Default: never. */
  expireAfter?: number;
  /** Milliseconds between the end of one entry and the first attempt of the next. Default 0. */
  interMessageDelay?: number;
  /** Response codes (field 39) that mean "try again later"; the attempt counts. Default none. */
  retryCodes?: readonly string[];
  /** Response codes that park the advice at once. Default none: any other code is done. */
  parkCodes?: readonly string[];
  /**
   * Decides what an advice's response means; overrides `retryCodes` and `parkCodes`. Reversals
   * are always done on any response (the host has seen them).
   */
  decide?: (response: Message, entry: StoredEntry) => Decision;
  /**
   * The correlation key of a message, the same the links use: a late response to an earlier
   * attempt is recognised by it on the links' unmatched inbound messages. Default `defaultRequestKey`.
   */
  requestKey?: RequestKeyFn;
}

/** What `createStoreAndForward` takes. */
export interface StoreAndForwardOptions {
  /** Where entries are kept (`openJournalStore`, or another `ForwardStore`). */
  store: ForwardStore;
  /** The spec stored messages are rebuilt with. */
  spec: MessageSpec;
  /** How card data is protected in the store: `{ key }` (AES-GCM) or `{ tokenizer }`; `strip` and `defaultStrip` (CVV2/CVC2 places, on by default). */
  cardData: CardDataOptions;
  /** The named destinations and how each is delivered to; entries go to them by name. */
  destinations: Readonly<Record<string, DestinationOptions>>;
  /** Source of [0, 1) numbers for backoff jitter. Default `Math.random`. */
  random?: () => number;
}

/** A destination's options with defaults filled in. */
export interface ResolvedDestination extends Required<Omit<DestinationOptions, 'decide' | 'expireAfter'>> {
  retry: BackoffSchedule;
  decide: (response: Message, entry: StoredEntry) => Decision;
  expireAfter: number | undefined;
}

/** The default wait schedule after a failed attempt. */
export const DEFAULT_FORWARD_RETRY: Readonly<BackoffSchedule> = { initial: 5_000, max: 300_000, jitter: 0.2 };

/** Checks the options up front (each problem named) and fills in the defaults. */
export function resolveForwardOptions(options: StoreAndForwardOptions): Map<string, ResolvedDestination> {
  const where = 'createStoreAndForward';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options are required`);
  if (typeof options.store?.add !== 'function') throw new TypeError(`${where}: store must be a ForwardStore`);
  if (typeof options.spec?.fields !== 'object') throw new TypeError(`${where}: spec must be a MessageSpec`);
  assertCardDataOptions(where, options.cardData);
  const resolved = new Map<string, ResolvedDestination>();
  for (const [name, d] of Object.entries(options.destinations ?? {})) {
    const at = `${where}: destinations.${name}`;
    if (d?.target === undefined || d.target === null) throw new TypeError(`${at}.target is required`);
    const retryCodes = d.retryCodes ?? [];
    const parkCodes = d.parkCodes ?? [];
    resolved.set(name, {
      target: d.target,
      responseTimeout: positive(`${at}.responseTimeout`, d.responseTimeout ?? 30_000),
      retry: { ...DEFAULT_FORWARD_RETRY, ...d.retry },
      maxAttempts: positive(`${at}.maxAttempts`, d.maxAttempts ?? 10),
      expireAfter: d.expireAfter === undefined ? undefined : positive(`${at}.expireAfter`, d.expireAfter),
      interMessageDelay: nonNegative(`${at}.interMessageDelay`, d.interMessageDelay ?? 0),
      retryCodes,
      parkCodes,
      decide:
        d.decide ??
        ((response) => {
          const code = response.has(39) ? String(response.get(39)) : '';
          return retryCodes.includes(code) ? 'retry' : parkCodes.includes(code) ? 'park' : 'done';
        }),
      requestKey: d.requestKey ?? defaultRequestKey,
    });
  }
  if (resolved.size === 0) throw new TypeError(`${where}: destinations must name at least one destination`);
  return resolved;
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0))
    throw new RangeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a number of milliseconds >= 0, got ${String(value)}`);
  }
  return value;
}
