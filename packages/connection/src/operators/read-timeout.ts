import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { positiveMilliseconds } from '../milliseconds';
import { refuseUnknownKeys, requireObject, type KnownKeys } from '../option-checks';
import { quietPeriods } from './quiet-periods';

/** Configuration of {@link readTimeout}. */
export interface ReadTimeoutConfig {
  /** Milliseconds without inbound activity before a read timeout is reported; then again every `timeout`. */
  timeout: number;
  /** Scheduler for the timers; a `TestScheduler` in tests. Default: the async scheduler. */
  scheduler?: SchedulerLike;
}

/**
 * Over a connection's inbound activity (one value per chunk or frame received), emits each time
 * nothing arrived for `timeout`, repeating while the peer stays silent; the value counts the
 * timeouts of the current silence (1, 2, ...). Anything received restarts the count. Completes
 * with the source. It only reports: deciding to close a silent link is the caller's business.
 * A `Connection` keeps this rule itself (`readTimeout`, `closeOnReadTimeout`), on the deadline
 * queue its links share; this operator is for activity streams of your own.
 *
 * @example
 * ```ts
 * received$.pipe(readTimeout({ timeout: 60_000 })).subscribe((n) => events.next({ type: 'readTimeout' }));
 * ```
 */
export function readTimeout(config: ReadTimeoutConfig): OperatorFunction<unknown, number> {
  requireObject('readTimeout', 'config', config);
  refuseUnknownKeys('readTimeout', config, { timeout: true, scheduler: true } satisfies KnownKeys<ReadTimeoutConfig>);
  positiveMilliseconds('readTimeout', 'timeout', config.timeout);
  const { timeout, scheduler } = config;
  return (inbound$) => quietPeriods(inbound$, timeout, scheduler);
}
