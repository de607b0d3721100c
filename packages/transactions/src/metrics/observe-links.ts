import type { Connection, Pool, Server, TrafficListener, TrafficRecord } from '@rx8583/connection';
import { Observable, Subscription } from 'rxjs';

/** What metrics and tracing can watch: one link, a pool's links, or a server's accepted links. */
export type ObservedTarget = Connection | Pool | Server;

/** What `observeLinks` calls while it watches. */
export interface LinkObserver {
  /**
   * Every traffic record of every watched link (none of the `request` ones when `requests` is
   * false). A request's end (`matched`, `timedOut`,
   * `failed`) carries the request and its latency, so nothing needs pairing here.
   */
  record(record: TrafficRecord, link: Connection): void;
  /** `link` started (`+1`) or stopped (`-1`, its link ended) being watched. */
  links?(link: Connection, delta: 1 | -1): void;
  /**
   * `false`: the observer needs only how each request ended, so the links leave out their `request`
   * records (`TrafficListener.requests`): one record a round trip instead of two. Default true.
   */
  readonly requests?: boolean;
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
 * Watches the traffic tap of every link of `target`, handing each record to `observer` as it
 * comes. Built on the tap alone, so a link nobody watches pays nothing. A link stops being watched
 * when its tap completes (the link is gone; the requests it still had pending have been reported
 * `failed` before that), or when the returned subscription is unsubscribed (then without `links(-1)`).
 */
export function observeLinks(target: ObservedTarget, observer: LinkObserver): Subscription {
  const all = new Subscription();
  all.add(
    linksOf(target).subscribe((link) => {
      observer.links?.(link, 1);
      // Held only while the link lives, so a server's thousands of short links are not kept.
      const watch = new Subscription();
      all.add(watch);
      watch.add(
        link.listenTraffic(
          new LinkListener(link, observer, () => {
            all.remove(watch);
            observer.links?.(link, -1);
          }),
        ),
      );
    }),
  );
  return all;
}

/**
 * One link's records to the observer. `listenTraffic`, not `traffic$`: every record of a busy link
 * passes here, and a subscriber's `next` runs through three RxJS wrappers on the way (a
 * `SafeSubscriber`, its `ConsumerObserver` and a try/catch) before reaching this call.
 */
class LinkListener implements TrafficListener {
  readonly requests: boolean;

  constructor(
    private readonly link: Connection,
    private readonly observer: LinkObserver,
    readonly complete: () => void,
  ) {
    this.requests = observer.requests !== false;
  }

  next(record: TrafficRecord): void {
    this.observer.record(record, this.link);
  }
}
