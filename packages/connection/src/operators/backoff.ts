import { positiveMilliseconds } from '../milliseconds';
import { describeValue } from '../option-checks';

/** The shape of an exponential backoff. */
export interface BackoffSchedule {
  /** Milliseconds to wait before the first retry. Positive. */
  initial: number;
  /** Ceiling of the un-jittered wait, in milliseconds; at least `initial`. */
  max: number;
  /** Spread of each wait as a fraction of it, in [0, 1): 0.2 puts each wait within ±20 %. */
  jitter: number;
}

/**
 * Checks a backoff schedule, throwing a `RangeError` that names the operator and the option.
 *
 * @example
 * ```ts
 * assertBackoffSchedule('createPool reconnect', { initial: 500, max: 30_000, jitter: 0.2 });
 * ```
 */
export function assertBackoffSchedule(where: string, schedule: BackoffSchedule): void {
  if (typeof schedule !== 'object' || schedule === null) {
    throw new TypeError(`${where}: expected { initial, max, jitter }, got ${describeValue(schedule)}`);
  }
  const { initial, max, jitter } = schedule;
  positiveMilliseconds(where, 'initial', initial);
  if (typeof max !== 'number' || !Number.isFinite(max) || max < initial) {
    throw new RangeError(
      `${where}: max must be a number of milliseconds no less than initial (${initial}), got ${describeValue(max)}`,
    );
  }
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter < 1)) {
    throw new RangeError(`${where}: jitter must be a fraction in [0, 1), got ${describeValue(jitter)}`);
  }
}

/**
 * The wait before retry number `attempt` (1 for the first retry): `initial`, doubled per
 * attempt up to `max`, then spread by ±`jitter` so a fleet of clients does not reconnect in
 * lockstep. `random` is a source of numbers in [0, 1) such as `Math.random`; the result is
 * rounded to whole milliseconds.
 *
 * @example
 * ```ts
 * const schedule = { initial: 1_000, max: 30_000, jitter: 0 };
 * [1, 2, 3, 6, 7].map((n) => backoffDelay(n, schedule, Math.random)); // [1000, 2000, 4000, 30000, 30000]
 * backoffDelay(1, { ...schedule, jitter: 0.2 }, () => 0); // 800: the low end of ±20 %
 * ```
 */
export function backoffDelay(attempt: number, schedule: BackoffSchedule, random: () => number): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`backoffDelay: attempt must be an integer from 1, got ${String(attempt)}`);
  }
  // Checked on every call (once per retry, never on a hot path): a bad schedule would otherwise
  // turn into a NaN wait, which a timer treats as zero — a reconnect storm.
  assertBackoffSchedule('backoffDelay', schedule);
  if (typeof random !== 'function') throw new TypeError('backoffDelay: random must be a function');
  const { initial, max, jitter } = schedule;
  // The exponent is capped so that a link retrying for weeks never overflows to Infinity * 0.
  const base = Math.min(max, initial * 2 ** Math.min(attempt - 1, 1_000));
  const spread = jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * (1 + spread)));
}
