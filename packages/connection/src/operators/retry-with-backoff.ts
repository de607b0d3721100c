import { retry, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { assertBackoffSchedule, backoffDelay, type BackoffSchedule } from './backoff';
import { describeValue, refuseUnknownKeys, requireObject, type KnownKeys } from '../option-checks';

/** One retry about to happen, as reported to {@link RetryWithBackoffConfig.onRetry}. */
export interface RetryNotice {
  /** 1 for the first retry since the start or since the last success. */
  attempt: number;
  /** Milliseconds waited before resubscribing. */
  delay: number;
  /** The error that ended the previous try. */
  error: unknown;
}

/** Jitter when none is given: ±20 %, enough to keep a fleet of clients out of lockstep. */
export const DEFAULT_JITTER = 0.2;

/** Configuration of {@link retryWithBackoff}. */
export interface RetryWithBackoffConfig extends Omit<BackoffSchedule, 'jitter'> {
  /** Spread of each wait as a fraction of it, in [0, 1): 0.2 puts each wait within ±20 %. Default 0.2. */
  jitter?: number;
  /** Source of numbers in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
  /** Scheduler for the waits; a `TestScheduler` in tests. Default: the async scheduler. */
  scheduler?: SchedulerLike;
  /** Start again from `initial` after the source emits (a connection came up). Default true. */
  resetOnSuccess?: boolean;
  /** Called when a retry is scheduled, before the wait: for logs, metrics and pool events. */
  onRetry?: (notice: RetryNotice) => void;
}

const RETRY_CONFIG_KEYS: KnownKeys<RetryWithBackoffConfig> = {
  initial: true,
  max: true,
  jitter: true,
  random: true,
  scheduler: true,
  resetOnSuccess: true,
  onRetry: true,
};

/**
 * Resubscribes to the source whenever it errors, forever: first after `initial` ms, then
 * doubling up to `max`, each wait spread by ±`jitter` (default ±20 %). Once the source emits (the link is up)
 * the schedule starts again from `initial`. Completion is not retried: a link we closed
 * ourselves stays closed. Unsubscribing stops the loop, waits included.
 *
 * @example
 * ```ts
 * createConnection$(options)
 *   .pipe(retryWithBackoff({ initial: 500, max: 30_000, jitter: 0.2, onRetry: (n) => log(n.delay) }))
 *   .subscribe((conn) => use(conn));
 * ```
 */
export function retryWithBackoff<T>(config: RetryWithBackoffConfig): MonoTypeOperatorFunction<T> {
  requireObject('retryWithBackoff', 'config', config);
  refuseUnknownKeys('retryWithBackoff', config, RETRY_CONFIG_KEYS);
  const schedule: BackoffSchedule = {
    initial: config.initial,
    max: config.max,
    jitter: config.jitter ?? DEFAULT_JITTER,
  };
  assertBackoffSchedule('retryWithBackoff', schedule);
  const { random = Math.random, scheduler, resetOnSuccess = true, onRetry } = config;
  if (typeof random !== 'function') {
    throw new TypeError(`retryWithBackoff: random must be a function, got ${describeValue(random)}`);
  }
  if (onRetry !== undefined && typeof onRetry !== 'function') {
    throw new TypeError(`retryWithBackoff: onRetry must be a function, got ${describeValue(onRetry)}`);
  }
  return retry<T>({
    resetOnSuccess,
    delay: (error: unknown, attempt: number) => {
      const delay = backoffDelay(attempt, schedule, random);
      onRetry?.({ attempt, delay, error });
      return timer(delay, scheduler);
    },
  });
}
