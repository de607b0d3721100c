import fc from 'fast-check';
import { backoffDelay } from '@rx8583/connection';
import { assertBackoffSchedule } from '../src/operators/backoff';

const noJitter = { initial: 100, max: 1_000, jitter: 0 };

describe('backoffDelay', () => {
  it('waits initial, then doubles up to max', () => {
    const delays = [1, 2, 3, 4, 5, 6, 50].map((attempt) => backoffDelay(attempt, noJitter, Math.random));
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('never overflows for a link that retries for ever', () => {
    expect(backoffDelay(Number.MAX_SAFE_INTEGER, noJitter, Math.random)).toBe(1_000);
  });

  it('spreads each wait by ±jitter around the un-jittered wait', () => {
    const schedule = { initial: 1_000, max: 8_000, jitter: 0.2 };
    expect(backoffDelay(1, schedule, () => 0)).toBe(800);
    expect(backoffDelay(1, schedule, () => 0.5)).toBe(1_000);
    expect(backoffDelay(1, schedule, () => 0.999_999)).toBe(1_200);
    expect(backoffDelay(9, schedule, () => 0)).toBe(6_400);
  });

  it('stays within the jitter bounds for any random number and attempt', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (attempt, random, jitter) => {
          const base = Math.min(30_000, 250 * 2 ** (attempt - 1));
          const delay = backoffDelay(attempt, { initial: 250, max: 30_000, jitter }, () => random);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitter)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + jitter)));
        },
      ),
    );
  });

  it('validates its arguments', () => {
    expect(() => backoffDelay(0, noJitter, Math.random)).toThrow(
      'backoffDelay: attempt must be an integer from 1, got 0',
    );
    expect(() => backoffDelay(1, { ...noJitter, initial: Number.NaN }, Math.random)).toThrow(
      'backoffDelay: initial must be a positive number of milliseconds, got the number NaN',
    );
    expect(() => backoffDelay(1, noJitter, 0.5 as never)).toThrow('backoffDelay: random must be a function');
  });
});

describe('assertBackoffSchedule', () => {
  it.each([
    [{ initial: 0, max: 10, jitter: 0 }, 'pool: initial must be a positive number of milliseconds, got the number 0'],
    [
      { initial: 100, max: 50, jitter: 0 },
      'pool: max must be a number of milliseconds no less than initial (100), got the number 50',
    ],
    [{ initial: 100, max: 500, jitter: 1 }, 'pool: jitter must be a fraction in [0, 1), got the number 1'],
    [{ initial: 100, max: 500, jitter: -0.1 }, 'pool: jitter must be a fraction in [0, 1), got the number -0.1'],
    [
      { initial: 100, max: Number.NaN, jitter: 0 },
      'pool: max must be a number of milliseconds no less than initial (100), got the number NaN',
    ],
  ])('refuses %j', (schedule, message) => {
    expect(() => assertBackoffSchedule('pool', schedule)).toThrow(message);
  });

  it('accepts a sound schedule', () => {
    expect(() => assertBackoffSchedule('pool', { initial: 100, max: 100, jitter: 0.5 })).not.toThrow();
  });
});
