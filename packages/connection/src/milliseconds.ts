import { describeValue } from './option-checks';

// Node timers overflow above this and fire at once: a "wait a month" option would become "now".
const MAX_TIMER_DELAY = 2_147_483_647;

/**
 * The one check for every duration option (timeouts, periods, backoff waits): a positive number of
 * milliseconds a Node timer can wait for, or `Infinity` (never) where `allowInfinity` says so.
 * `where` and `name` make the `RangeError` say which call and which option, e.g.
 * `connect: options.sendTimeout must be a positive number of milliseconds, got -1`.
 */
export function positiveMilliseconds(where: string, name: string, value: unknown, allowInfinity = false): number {
  const ok =
    typeof value === 'number' && value > 0 && (value <= MAX_TIMER_DELAY || (allowInfinity && value === Infinity));
  if (!ok) {
    const limit = `at most ${MAX_TIMER_DELAY}${allowInfinity ? ', or Infinity for never' : ''}`;
    throw new RangeError(
      `${where}: ${name} must be a positive number of milliseconds, got ${describeValue(value)} (${limit})`,
    );
  }
  return value;
}
