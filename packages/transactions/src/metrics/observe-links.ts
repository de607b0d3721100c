import {
  defaultRequestKey,
  type Connection,
  type Pool,
  type RequestKeyFn,
  type Server,
  type TrafficRecord,
} from '@rx8583/connection';
import type { Message } from '@rx8583/iso8583';
import { Observable, Subscription } from 'rxjs';

/** What metrics and tracing can watch: one link, a pool's links, or a server's accepted links. */
export type ObservedTarget = Connection | Pool | Server;

/** How a request on a link ended, as far as its traffic shows. */
export type RequestOutcome = 'matched' | 'timedOut' | 'closed';

/** What `observeLinks` calls while it watches. */
export interface LinkObserver<T> {
  /** Every traffic record of every watched link (counting). */
  record?(record: TrafficRecord): void;
  /**
   * Whether to pair this request (or, given a response, whether its request was paired): one
   * predicate for both, so it must look only at what a request and its response share (the STAN).
   * Default: every request.
   */
  pairs?(message: Message): boolean;
  /** A paired request went out; the returned state comes back to `end`. */
  start(request: Message): T;
  /** The request got its response (`matched`), timed out, or its link ended first (`closed`). */
  end(state: T, outcome: RequestOutcome, response?: Message): void;
  /**
   * A link started (`+1`) or stopped (`-1`) being watched; when it stops, `unfinished` is how many
   * of its requests (paired or not) had neither a response nor a timeout.
   */
  links?(delta: 1 | -1, unfinished: number): void;
}

/**
 * Each link of `target` once: the connection itself, a pool's links as they come up, a server's
 * links as they are accepted.
 */
export function linksOf(target: ObservedTarget): Observable<Connection> {
  if ('traffic$' in target) return new Observable((subscriber) => subscriber.next(target));
  if ('listen' in target) return target.connections$;
  const pool = target;
  return new Observable<Connection>((subscriber) => {
    const seen = new WeakSet<Connection>();
    return pool.connections$.subscribe((links) => {
      for (const link of links) {
        if (seen.has(link)) continue;
        seen.add(link);
        subscriber.next(link);
      }
    });
  });
}

/**
 * Pairs requests with their ends on one link. With the links' default correlation key the pairing
 * goes by STAN alone — the field value as the message already holds it, no key string built — and
 * only a second request in flight with the same STAN (an 0400 beside its 0100) is keyed in full.
 * Measured: building `defaultRequestKey` for every request and response cost several per cent of
 * round-trip throughput at 200 k round trips a second; the STAN lookup is a fraction of that.
 */
class RequestPairs<T> {
  readonly #pending = new Map<string, T>();
  #fullyKeyed = 0;

  constructor(
    private readonly fullKey: (message: Message) => string | undefined,
    private readonly byStan: boolean,
  ) {}

  add(message: Message, state: T): void {
    const stan = this.byStan ? stanOf(message) : undefined;
    if (stan !== undefined && !this.#pending.has(stan)) {
      this.#pending.set(stan, state);
      return;
    }
    const key = this.fullKey(message);
    if (key === undefined) return;
    this.#pending.set(key, state);
    if (this.byStan) this.#fullyKeyed++;
  }

  take(message: Message): T | undefined {
    if (this.#fullyKeyed > 0 || !this.byStan) {
      const key = this.fullKey(message);
      const state = key === undefined ? undefined : this.#pending.get(key);
      if (state !== undefined) {
        this.#pending.delete(key!);
        if (this.byStan) this.#fullyKeyed--;
        return state;
      }
      if (!this.byStan) return undefined;
    }
    const stan = stanOf(message);
    const state = stan === undefined ? undefined : this.#pending.get(stan);
    if (state !== undefined) this.#pending.delete(stan!);
    return state;
  }

  drain(): T[] {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    this.#fullyKeyed = 0;
    return all;
  }
}

function stanOf(message: Message): string | undefined {
  const stan = message.get(11);
  return typeof stan === 'string' ? stan : undefined;
}

/**
 * Watches the `traffic$` tap of every link of `target` and pairs each request with its end by the
 * links' correlation key. Built on the tap alone, so a link nobody watches pays nothing; a request
 * still pending when its link's tap completes (the link closed) ends as `closed`.
 */
export function observeLinks<T>(
  target: ObservedTarget,
  observer: LinkObserver<T>,
  requestKey?: RequestKeyFn,
): Subscription {
  const key = requestKey ?? defaultRequestKey;
  const fullKey = (message: Message): string | undefined => {
    try {
      return key(message);
    } catch {
      return undefined; // not a message this link could correlate either
    }
  };
  const all = new Subscription();
  all.add(
    linksOf(target).subscribe((link) => {
      const pairs = new RequestPairs<T>(fullKey, requestKey === undefined);
      const paired = (message: Message | undefined): message is Message =>
        message !== undefined && (observer.pairs === undefined || observer.pairs(message));
      // Requests out minus responses and timeouts: what the link still owed when it ended.
      let open = 0;
      const finish = (message: Message | undefined, outcome: RequestOutcome, response?: Message) => {
        open--;
        const state = paired(message) ? pairs.take(message) : undefined;
        if (state !== undefined) observer.end(state, outcome, response);
      };
      const endAll = () => {
        for (const state of pairs.drain()) observer.end(state, 'closed');
        observer.links?.(-1, open);
      };
      observer.links?.(1, 0);
      const watch = link.traffic$.subscribe({
        next: (record) => {
          observer.record?.(record);
          const { outcome, message } = record;
          if (outcome === 'request') {
            open++;
            if (paired(message)) pairs.add(message, observer.start(message));
          } else if (outcome === 'matched') {
            finish(message, 'matched', message);
          } else if (outcome === 'timedOut') {
            finish(message, 'timedOut');
          }
        },
        complete: endAll,
        error: endAll,
      });
      // Unsubscribing (not the link ending) stops the watch without reporting the link's requests.
      all.add(() => {
        if (!watch.closed) {
          watch.unsubscribe();
          pairs.drain();
        }
      });
    }),
  );
  return all;
}
