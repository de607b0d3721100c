import { build, type Histogram } from 'hdr-histogram-js';

/** What `load` reports: counts, throughput, latency percentiles and a histogram. JSON-serialisable. */
export interface LoadReport {
  /** `concurrency` or `rate`, with its number. */
  mode: { concurrency: number } | { rate: number };
  /** Requests sent (answered + failed). */
  sent: number;
  /** Requests answered (whatever the response code). */
  answered: number;
  /** Requests that got no response, by error name (`SendTimeoutError`, `ConnectionClosedError`, ...). */
  errors: Record<string, number>;
  /** Answers by response code (39); `none` for responses without one. */
  codes: Record<string, number>;
  /** Wall time from the first request to the last settled, in ms. */
  elapsedMs: number;
  /** Answered requests per second. */
  throughput: number;
  /**
   * CPU time (user + system) this process used while the load ran, in ms: what generating the load
   * cost the generator (all of the process's work, so alone in its process it is `load`'s own).
   */
  cpuMs: number;
  /**
   * Latency of answered requests in ms. In rate mode measured from each request's scheduled send
   * time, so a request that waited behind a stalled one counts its wait (no coordinated omission).
   */
  latencyMs: { min: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
  /** Answered requests by latency bucket: `[upper bound in ms, count]`, buckets doubling. */
  histogram: Array<[number, number]>;
}

// Buckets of the printed histogram: upper bounds from 50 µs doubling to ~54 s.
const BUCKET_BOUNDS_US = Array.from({ length: 21 }, (_, i) => 50 * 2 ** i);

/**
 * Collects the outcome of every request. Latencies go into an HDR histogram (microsecond
 * resolution, 3 significant digits) for the percentiles, and into doubling buckets for the bars.
 */
export class LatencyRecorder {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  readonly #buckets = new Array<number>(BUCKET_BOUNDS_US.length).fill(0);
  readonly codes: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  answered = 0;
  failed = 0;

  /** One answered request, its latency in ms and its response code. */
  answer(latencyMs: number, code: string): void {
    const us = Math.max(1, Math.round(latencyMs * 1000));
    this.#histogram.recordValue(us);
    let i = 0;
    while (i < BUCKET_BOUNDS_US.length - 1 && us > BUCKET_BOUNDS_US[i]!) i++;
    this.#buckets[i]!++;
    this.codes[code] = (this.codes[code] ?? 0) + 1;
    this.answered++;
  }

  /** One request without a response, by the error's name. */
  fail(errorName: string): void {
    this.errors[errorName] = (this.errors[errorName] ?? 0) + 1;
    this.failed++;
  }

  /** Latency at a percentile so far, in ms. */
  percentile(p: number): number {
    return this.answered === 0 ? 0 : this.#histogram.getValueAtPercentile(p) / 1000;
  }

  report(mode: LoadReport['mode'], elapsedMs: number, cpuMs = 0): LoadReport {
    const h = this.#histogram;
    // A percentile is the top of its HDR bucket, which can lie above the largest value recorded.
    const ms = (us: number) => (this.answered === 0 ? 0 : Math.round(Math.min(us, h.maxValue)) / 1000);
    const first = this.#buckets.findIndex((c) => c > 0);
    const last = this.#buckets.length - 1 - [...this.#buckets].reverse().findIndex((c) => c > 0);
    return {
      mode,
      sent: this.answered + this.failed,
      answered: this.answered,
      errors: { ...this.errors },
      codes: { ...this.codes },
      elapsedMs: Math.round(elapsedMs),
      throughput: elapsedMs > 0 ? Math.round((this.answered / elapsedMs) * 1000) : 0,
      cpuMs: Math.round(cpuMs),
      latencyMs: {
        min: ms(h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue),
        mean: ms(h.mean),
        p50: ms(h.getValueAtPercentile(50)),
        p90: ms(h.getValueAtPercentile(90)),
        p99: ms(h.getValueAtPercentile(99)),
        p999: ms(h.getValueAtPercentile(99.9)),
        max: ms(h.maxValue),
      },
      histogram:
        first < 0
          ? []
          : BUCKET_BOUNDS_US.slice(first, last + 1).map((bound, i) => [bound / 1000, this.#buckets[first + i]!]),
    };
  }
}

/** The report for people: the histogram as bars, the percentiles, codes and errors. */
export function renderReport(report: LoadReport): string {
  const lines: string[] = [];
  const mode = 'rate' in report.mode ? `rate ${report.mode.rate}/s` : `concurrency ${report.mode.concurrency}`;
  lines.push(
    `${report.sent} requests (${mode}) in ${(report.elapsedMs / 1000).toFixed(1)} s: ${report.answered} answered, ${report.sent - report.answered} failed, ${report.throughput} rt/s`,
  );
  lines.push('', 'latency histogram (ms)');
  const widest = Math.max(1, ...report.histogram.map(([, c]) => c));
  let below = 0;
  for (const [bound, count] of report.histogram) {
    below += count;
    const bar = '█'.repeat(Math.round((count / widest) * 40));
    const share = ((below / Math.max(1, report.answered)) * 100).toFixed(1);
    lines.push(
      `  ≤ ${formatMs(bound).padStart(9)} │${bar.padEnd(40)} ${String(count).padStart(8)}  ${share.padStart(5)} %`,
    );
  }
  const l = report.latencyMs;
  lines.push(
    '',
    `p50 ${formatMs(l.p50)}   p90 ${formatMs(l.p90)}   p99 ${formatMs(l.p99)}   p99.9 ${formatMs(l.p999)}   max ${formatMs(l.max)}   mean ${formatMs(l.mean)}`,
  );
  lines.push('', 'response codes');
  for (const [code, count] of Object.entries(report.codes).sort())
    lines.push(`  ${code.padEnd(6)} ${String(count).padStart(8)}`);
  if (Object.keys(report.errors).length > 0) {
    lines.push('', 'errors (no response)');
    for (const [name, count] of Object.entries(report.errors).sort())
      lines.push(`  ${name.padEnd(24)} ${String(count).padStart(8)}`);
  }
  return lines.join('\n');
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(3)} ms`;
}
