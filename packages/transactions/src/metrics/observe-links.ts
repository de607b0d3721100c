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
  /** A request went out; the returned state comes back to `end`. */
  start(request: Message): T;
  /** The request got its response (`matched`), timed out, or its link ended first (`closed`). */
  end(state: T, outcome: RequestOutcome, response?: Message): void;
  /** A link started (`+1`) or stopped (`-1`) being watched. */
  links?(delta: 1 | -1): void;
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
 * Watches the `traffic$` tap of every link of `target` and pairs each request with its end by the
 * links' correlation key. Built on the tap alone, so a link nobody watches pays nothing; a request
 * still pending when its link's tap completes (the link closed) ends as `closed`.
 */
export function observeLinks<T>(
  target: ObservedTarget,
  observer: LinkObserver<T>,
  requestKey: RequestKeyFn = defaultRequestKey,
): Subscription {
  const keyOf = (message: Message | undefined): string | undefined => {
    if (message === undefined) return undefined;
    try {
      return requestKey(message);
    } catch {
      return undefined; // not a message this link could correlate either
    }
  };
  const all = new Subscription();
  all.add(
    linksOf(target).subscribe((link) => {
      const pending = new Map<string, T>();
      const finish = (key: string | undefined, outcome: RequestOutcome, response?: Message) => {
        if (key === undefined) return;
        const state = pending.get(key);
        if (state === undefined) return;
        pending.delete(key);
        observer.end(state, outcome, response);
      };
      const endAll = () => {
        for (const state of pending.values()) observer.end(state, 'closed');
        pending.clear();
        observer.links?.(-1);
      };
      observer.links?.(1);
      const watch = link.traffic$.subscribe({
        next: (record) => {
          observer.record?.(record);
          if (record.outcome === 'request') {
            const key = keyOf(record.message);
            if (key !== undefined) pending.set(key, observer.start(record.message!));
          } else if (record.outcome === 'matched') {
            finish(keyOf(record.message), 'matched', record.message);
          } else if (record.outcome === 'timedOut') {
            finish(keyOf(record.message), 'timedOut');
          }
        },
        complete: endAll,
        error: endAll,
      });
      // Unsubscribing (not the link ending) stops the watch without reporting the link's requests.
      all.add(() => {
        if (!watch.closed) {
          watch.unsubscribe();
          pending.clear();
        }
      });
    }),
  );
  return all;
}
