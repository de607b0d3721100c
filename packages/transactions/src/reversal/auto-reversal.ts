import {
  ConnectionClosedError,
  SendTimeoutError,
  defaultRequestKey,
  type Connection,
  type Pool,
  type RequestKeyFn,
  type SendOptions,
} from '@rx8583/connection';
import type { Message } from '@rx8583/iso8583';
import { Subject, defer, filter, from, take, takeUntil, timer, type Observable } from 'rxjs';
import { isPool, unmatchedResponses } from '../forward/link-source';
import type { StoreAndForward } from '../forward/store-and-forward';
import type { StoredEntry } from '../store/types';
import { DEFAULT_REVERSAL_FIELDS, buildReversal, type ReversalContext, type ReversalReason } from './build-reversal';
import type { ReversalEvent } from './events';

/** What `createAutoReversal` takes. */
export interface AutoReversalOptions {
  /** The store-and-forward reversals are queued in (durably, before the failure is reported). */
  saf: StoreAndForward;
  /**
   * Its destination for reversals: its `retry` schedule is the interval between repeats (0401 /
   * 0421), its `maxAttempts` the limit after which a reversal is parked and reported.
   */
  destination: string;
  /** The reversal's MTI: `'0400'` (default), `'0420'` (an advice), or `'1420'` (ISO 8583:1993). */
  mti?: string;
  /**
   * The reversal's STAN: `'original'` (the default: most networks match the reversal by it) or a
   * function giving a new one, e.g. `() => stans.next()`.
   */
  stan?: 'original' | (() => string);
  /** Fields copied from the original. Default {@link DEFAULT_REVERSAL_FIELDS}. */
  copyFields?: readonly number[];
  /** The field of the reason code. Default 39 (25 when `mti` is a 1993 one). */
  reasonField?: number;
  /**
   * Reason codes of automatic reversals. Default `{ timeout: '68', linkDown: '68' }` (response
   * received too late) for 1987 MTIs, `{ timeout: '4021', linkDown: '4021' }` for 1993 ones.
   */
  reasonCodes?: { timeout: string; linkDown: string };
  /** Builds the reversal (default {@link buildReversal}); whatever it returns is stored and sent. */
  build?: (original: Message, context: ReversalContext) => Message;
  /** MTIs that are reversed when they fail. Default 0100, 0200, 1100, 1200 and their repeats. */
  reverseMtis?: readonly string[];
  /**
   * Milliseconds a queued reversal keeps watching the original's link for a late response to the
   * original (reported as `lateResponse`, an approval that the reversal undoes). Default 600 000.
   */
  lateWindow?: number;
  /** The links' correlation key, to recognise the original's late response. Default `defaultRequestKey`. */
  requestKey?: RequestKeyFn;
}

/** Per-call options of `reverse`. */
export interface ReverseOptions {
  /** A partial reversal: field 95, replacement amounts (42 characters: the amount that stands, ...). */
  replacementAmounts?: string;
  /** The link the original went out on, to watch for its late response. */
  link?: Connection;
}

const FINANCIAL = ['0100', '0101', '0200', '0201', '1100', '1101', '1200', '1201'];

/**
 * Automatic reversals around `send`: a request that ends in `SendTimeoutError`, or whose link died
 * after it was written (`ConnectionClosedError.written`), gets its reversal built and stored before
 * the failure is reported; store-and-forward then sends it and repeats it (0401/0421) across
 * reconnects and pool links until a response — a late one to an earlier attempt included — or the
 * destination's limit. A late response to the original arriving afterwards is reported.
 */
export class AutoReversal {
  readonly #options: Required<Omit<AutoReversalOptions, 'stan' | 'reasonField' | 'reasonCodes'>> & {
    stan: AutoReversalOptions['stan'];
    reasonField: number;
    reasonCodes: { timeout: string; linkDown: string };
  };
  readonly #events = new Subject<ReversalEvent>();
  readonly #stop = new Subject<void>();

  /** Reversals queued, late responses to reversed originals, reversals done or parked. */
  readonly events$: Observable<ReversalEvent> = this.#events.asObservable();

  /** @internal Use {@link createAutoReversal}. */
  constructor(options: AutoReversalOptions) {
    const where = 'createAutoReversal';
    if (typeof options?.saf?.enqueue !== 'function') throw new TypeError(`${where}: saf must be a StoreAndForward`);
    if (typeof options.destination !== 'string') throw new TypeError(`${where}: destination must name a destination`);
    const mti = options.mti ?? '0400';
    if (!/^[01]4[02]0$/.test(mti)) throw new RangeError(`${where}: mti must be 0400, 0420, 1400 or 1420, got ${mti}`);
    const iso93 = mti.startsWith('1');
    const code = iso93 ? '4021' : '68';
    const lateWindow = options.lateWindow ?? 600_000;
    if (!(lateWindow >= 0)) throw new RangeError(`${where}: lateWindow must be >= 0 ms, got ${String(lateWindow)}`);
    if (options.stan !== undefined && options.stan !== 'original' && typeof options.stan !== 'function') {
      throw new TypeError(`${where}: stan must be 'original' or a function giving a STAN`);
    }
    this.#options = {
      saf: options.saf,
      destination: options.destination,
      mti,
      stan: options.stan,
      copyFields: options.copyFields ?? DEFAULT_REVERSAL_FIELDS,
      reasonField: options.reasonField ?? (iso93 ? 25 : 39),
      reasonCodes: options.reasonCodes ?? { timeout: code, linkDown: code },
      build: options.build ?? buildReversal,
      reverseMtis: options.reverseMtis ?? FINANCIAL,
      lateWindow,
      requestKey: options.requestKey ?? defaultRequestKey,
    };
    options.saf.events$.pipe(takeUntil(this.#stop)).subscribe((event) => {
      if (event.type === 'delivered' && event.kind === 'reversal') {
        this.#events.next({ type: 'reversed', id: event.id, response: event.response });
      } else if (event.type === 'parked' && event.kind === 'reversal') {
        this.#events.next({ type: 'parked', id: event.id, reason: event.reason });
      }
    });
  }

  /**
   * Sends `message` on `target` (a connection, or a pool's next link). When a financial request
   * fails so that the host may have acted on it, its reversal is stored first, then the send
   * rejects with the original error.
   */
  async send(target: Connection | Pool, message: Message, options?: SendOptions): Promise<Message> {
    const link = isPool(target) ? await target.get() : target;
    try {
      return await link.send(message, options);
    } catch (error) {
      const reason = this.#reasonFor(message, error);
      if (reason !== undefined) await this.reverse(message, reason, { link });
      throw error;
    }
  }

  /** `send` as a cold Observable (sends on subscribe). */
  send$(target: Connection | Pool, message: Message, options?: SendOptions): Observable<Message> {
    return defer(() => from(this.send(target, message, options)));
  }

  /**
   * Stores the reversal of `original` (resolves once it is durable) for delivery with repeats.
   * `reason` is `'timeout'`, `'linkDown'` (mapped to the configured codes) or a code of yours;
   * `replacementAmounts` makes it a partial reversal (field 95).
   */
  async reverse(original: Message, reason: ReversalReason, options: ReverseOptions = {}): Promise<StoredEntry> {
    const o = this.#options;
    const reasonCode =
      reason === 'timeout' ? o.reasonCodes.timeout : reason === 'linkDown' ? o.reasonCodes.linkDown : reason;
    const stan = typeof o.stan === 'function' ? o.stan() : String(original.get(11) ?? '');
    const context: ReversalContext = {
      mti: o.mti,
      reasonCode,
      reasonField: o.reasonField,
      stan,
      at: new Date(),
      copyFields: o.copyFields,
      ...(options.replacementAmounts === undefined ? {} : { replacementAmounts: options.replacementAmounts }),
    };
    const reversal = o.build(original, context);
    const originalKey = o.requestKey(original);
    const entry = await o.saf.enqueue(o.destination, reversal, { kind: 'reversal', note: { original: originalKey } });
    this.#events.next({ type: 'queued', id: entry.id, mti: reversal.mti, originalKey, reason: reasonCode });
    if (options.link !== undefined) this.#watchLate(options.link, originalKey, entry.id);
    return entry;
  }

  /** Stops watching for late responses and completes `events$`; the store-and-forward is yours to close. */
  close(): void {
    this.#stop.next();
    this.#events.complete();
  }

  #reasonFor(message: Message, error: unknown): ReversalReason | undefined {
    if (!this.#options.reverseMtis.includes(message.mti)) return undefined;
    if (error instanceof SendTimeoutError) return 'timeout';
    // `written: false` means the request never left this process: nothing to reverse.
    if (error instanceof ConnectionClosedError && error.written) return 'linkDown';
    return undefined;
  }

  #watchLate(link: Connection, originalKey: string, id: number): void {
    const key = this.#options.requestKey;
    const isOriginals = (response: Message) => {
      try {
        return key(response) === originalKey;
      } catch {
        return false; // a response we cannot key is not the original's
      }
    };
    unmatchedResponses(link)
      .pipe(filter(isOriginals), take(1), takeUntil(timer(this.#options.lateWindow)), takeUntil(this.#stop))
      .subscribe({
        next: (response) => {
          const code = response.has(39) ? String(response.get(39)) : undefined;
          this.#events.next({ type: 'lateResponse', id, originalKey, response, approved: code === '00' });
        },
        error: () => undefined, // the link ended: no late response can come on it
      });
  }
}

/**
 * Creates the automatic-reversal wrapper.
 *
 * @example
 * ```ts
 * const reversals = createAutoReversal({ saf, destination: 'host', mti: '0400', stan: 'original' });
 * reversals.events$.subscribe((e) => e.type === 'lateResponse' && e.approved && alertOps(e));
 * try {
 *   const response = await reversals.send(pool, authorization, { timeout: 10_000 });
 * } catch (error) {
 *   // SendTimeoutError: the 0400 is already on disk and on its way; decline at the terminal
 * }
 * ```
 */
export function createAutoReversal(options: AutoReversalOptions): AutoReversal {
  return new AutoReversal(options);
}
