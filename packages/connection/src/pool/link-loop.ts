import { concatWith, defer, throwError, type Observable, type SchedulerLike } from 'rxjs';
import { ConnectionClosedError } from '../errors';
import type { BackoffSchedule } from '../operators/backoff';
import { retryWithBackoff, type RetryNotice } from '../operators/retry-with-backoff';

/** Configuration of {@link reconnectingLink}. */
export interface ReconnectingLinkConfig extends BackoffSchedule {
  /** Reports each failure and the wait before the next attempt. */
  onRetry: (notice: RetryNotice) => void;
  /** Source of numbers in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
  /** Scheduler for the waits. Default: the async scheduler. */
  scheduler?: SchedulerLike;
}

/**
 * One pool slot as a stream of links: dials, emits the link once it is up, and when it drops or
 * a dial fails, dials again after a backoff wait, until unsubscribed. A link closed by the
 * application (the dial completes) is redialled too: only the pool decides a slot is done.
 *
 * @example
 * ```ts
 * reconnectingLink(() => createConnection$(options), { initial: 500, max: 30_000, jitter: 0.2, onRetry: log })
 *   .subscribe((conn) => slot.use(conn));
 * ```
 */
export function reconnectingLink<T>(dial: () => Observable<T>, config: ReconnectingLinkConfig): Observable<T> {
  return defer(dial).pipe(
    concatWith(defer(() => throwError(() => new ConnectionClosedError('connection closed by the application')))),
    retryWithBackoff<T>(config),
  );
}
