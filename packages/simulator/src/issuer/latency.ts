import type { Latency } from './rules';

/**
 * Draws one delay in milliseconds from a latency distribution: fixed, uniform between min and
 * max, or normal (Box–Muller) cut at 0 so a wide spread never gives a negative wait.
 *
 * @example
 * ```ts
 * sampleLatency({ normal: { mean: 40, stddev: 10 } }); // e.g. 37.2
 * ```
 */
export function sampleLatency(latency: Latency | undefined, random: () => number = Math.random): number {
  if (latency === undefined) return 0;
  if ('fixed' in latency) return latency.fixed;
  if ('uniform' in latency) return latency.uniform.min + random() * (latency.uniform.max - latency.uniform.min);
  const { mean, stddev } = latency.normal;
  // 1 - random() is in (0, 1]: log never sees 0.
  const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.max(0, mean + stddev * gaussian);
}
