/**
 * The time source behind request deadlines. Injected so tests can drive timeouts by hand instead
 * of sleeping.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Calls `callback` after about `delay` ms; returns a handle for `clearTimer`. */
  setTimer(callback: () => void, delay: number): unknown;
  /** Cancels a timer made by `setTimer`. */
  clearTimer(handle: unknown): void;
}

/** The real clock: `performance.now()` and Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (callback, delay) => setTimeout(callback, delay),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
