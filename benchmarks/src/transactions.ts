/**
 * `pnpm bench transactions`: (a) durable journal appends per second — one awaited append at a
 * time (an fdatasync each), and bursts that share one flush (group commit), also through
 * store-and-forward's `enqueue` (card data stripped, PAN encrypted); (b) what `metrics$` costs on
 * round trips: K = 100 senders on one link to an echo server in a child process, with and without a
 * `metrics$` subscription, in pairs whose order alternates; the median of the pairs' ratios.
 * `node benchmarks/dist/transactions.js [pairs=20] [runMs=750]` runs (b) alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from '@rx8583/connection';
import { Message, spec87ascii } from '@rx8583/iso8583';
import { createStoreAndForward, metrics$, openJournal, openJournalStore } from '@rx8583/transactions';
import { runSenders, startTarget } from './connection';
import { echoSpec } from './echo-spec';
import { median } from './stats';

export interface JournalRow {
  mode: string;
  appends: number;
  appendsPerSecond: number;
}

export interface MetricsRow {
  metrics: 'off' | 'on';
  /** Round trips per second of each run, in the order run. */
  runs: number[];
  medianRoundTripsPerSecond: number;
  /** Client CPU time (user + system) per round trip of each run, microseconds. */
  cpuRuns: number[];
  medianCpuMicrosPerRoundTrip: number;
}

export interface MetricsBench {
  off: MetricsRow;
  on: MetricsRow;
  /** Each pair's `on` against its `off`: client CPU per round trip, % more. */
  pairCpuOverhead: number[];
  /** Each pair's `on` against its `off`: round trips per second, % fewer. */
  pairThroughputLoss: number[];
  /** The medians of the pairs: what the overhead is judged on. */
  cpuOverhead: number;
  throughputLoss: number;
  /** `os.loadavg()` (1, 5, 15 minutes) before and after: a shared machine's load swings the numbers. */
  loadBefore: number[];
  loadAfter: number[];
}

async function timed(durationMs: number, step: () => Promise<number>): Promise<{ count: number; perSecond: number }> {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < durationMs) count += await step();
  return { count, perSecond: count / ((performance.now() - started) / 1000) };
}

const record = { t: 'advice', id: 1, destination: 'host', fields: { 3: '000000', 4: '000000001500', 11: '000001' } };

/** The row for `append` called in bursts of 100 concurrent calls, burst after burst, for `durationMs`. */
async function inBursts(mode: string, durationMs: number, append: () => Promise<unknown>): Promise<JournalRow> {
  const r = await timed(durationMs, () => Promise.all(Array.from({ length: 100 }, append)).then(() => 100));
  return { mode, appends: r.count, appendsPerSecond: r.perSecond };
}

export async function runJournalBench(durationMs = 2_000): Promise<JournalRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rx8583-bench-'));
  const rows: JournalRow[] = [];
  try {
    {
      const { journal } = await openJournal(join(dir, 'one.journal'));
      const r = await timed(durationMs, async () => (await journal.append(record), 1));
      rows.push({ mode: 'append, one at a time (fdatasync each)', appends: r.count, appendsPerSecond: r.perSecond });
      await journal.close();
    }
    {
      const { journal } = await openJournal(join(dir, 'burst.journal'));
      rows.push(
        await inBursts('append, bursts of 100 (one fdatasync a burst)', durationMs, () => journal.append(record)),
      );
      await journal.close();
    }
    {
      const saf = createStoreAndForward({
        store: await openJournalStore({ path: join(dir, 'saf.journal') }),
        spec: spec87ascii,
        cardData: { key: Buffer.alloc(32, 7) },
        // Delivery goes nowhere (the target never yields a link): only enqueue is measured.
        destinations: { host: { target: () => Promise.reject(new Error('no link')), retry: { initial: 60_000 } } },
      });
      const advice = new Message(spec87ascii, {
        mti: '0220',
        fields: {
          2: '4761739001010119',
          3: '000000',
          4: 1500,
          11: '000001',
          35: '4761739001010119=2512',
          41: 'TERM0001',
        },
      });
      rows.push(
        await inBursts('saf.enqueue, bursts of 100 (strip + AES-GCM PAN)', durationMs, () =>
          saf.enqueue('host', advice),
        ),
      );
      await saf.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * Pairs of runs, one without and one with a `metrics$` subscription, on one link in one process.
 * The order alternates (off-on, on-off, off-on, …), so a drift of the machine's load, the JIT or
 * the heap over the minute favours neither side, and each pair is compared within itself (its two
 * runs are a second apart): the overhead is the median of the pairs' ratios. Many short pairs
 * rather than a few long ones: on a shared machine the load changes within seconds, and a pair
 * sees the same load on both sides more often the shorter it is (an A/A run — no `metrics$` on
 * either side — gave a median of 0.0 % with single pairs spread ±5 % at load 2–3).
 */
export async function runMetricsBench(durationMs = 750, pairs = 20): Promise<MetricsBench> {
  const loadBefore = loadavg();
  const target = await startTarget('child-process');
  const connection = await connect({ host: '127.0.0.1', port: target.port, spec: echoSpec, idleTime: 60_000 });
  const off = { rate: [] as number[], cpu: [] as number[] };
  const on = { rate: [] as number[], cpu: [] as number[] };
  // Throughput on a shared machine swings with other load; the client's CPU time per round trip
  // swings far less, so both are reported and the overhead is judged on CPU.
  const run = async (into: typeof off) => {
    const subscription = into === on ? metrics$(connection, { interval: 1_000 }).subscribe() : undefined;
    const cpu = process.cpuUsage();
    const result = await runSenders(connection, 100, durationMs);
    const used = process.cpuUsage(cpu);
    subscription?.unsubscribe();
    into.rate.push(result.roundTripsPerSecond);
    into.cpu.push((used.user + used.system) / result.roundTrips);
  };
  try {
    await runSenders(connection, 100, 1_500); // warm-up: JIT, socket buffers
    await run(on); // warm-up of the metrics path, not counted
    on.rate.length = on.cpu.length = 0;
    for (let i = 0; i < pairs; i++) {
      const [first, second] = i % 2 === 0 ? [off, on] : [on, off];
      await run(first);
      await run(second);
    }
  } finally {
    await connection.close();
    await target.stop();
  }
  const row = (metrics: 'off' | 'on', r: typeof off): MetricsRow => ({
    metrics,
    runs: r.rate,
    medianRoundTripsPerSecond: median(r.rate),
    cpuRuns: r.cpu,
    medianCpuMicrosPerRoundTrip: median(r.cpu),
  });
  const pairCpuOverhead = on.cpu.map((cpu, i) => (cpu / off.cpu[i]! - 1) * 100);
  const pairThroughputLoss = on.rate.map((rate, i) => (1 - rate / off.rate[i]!) * 100);
  return {
    off: row('off', off),
    on: row('on', on),
    pairCpuOverhead,
    pairThroughputLoss,
    cpuOverhead: median(pairCpuOverhead),
    throughputLoss: median(pairThroughputLoss),
    loadBefore,
    loadAfter: loadavg(),
  };
}

/** The median (the mean of the middle two for an even count). */

/** `min – max` as ± % around the median. */
function spread(values: number[]): string {
  const m = median(values);
  const half = ((Math.max(...values) - Math.min(...values)) / 2 / m) * 100;
  return `±${half.toFixed(1)} %`;
}

export function printTransactionsBench(journal: JournalRow[], metrics: MetricsBench): void {
  console.log('\n(a) durable journal appends');
  console.table(
    journal.map((r) => ({ mode: r.mode, appends: r.appends, 'appends/s': Math.round(r.appendsPerSecond) })),
  );
  printMetricsBench(metrics);
}

export function printMetricsBench(metrics: MetricsBench): void {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(
    `\n(b) metrics$ on round trips (K = 100 senders, echo server in a child process; ${metrics.off.runs.length} pairs, alternated)`,
  );
  console.table(
    [metrics.off, metrics.on].map((r) => ({
      metrics$: r.metrics,
      'median round trips/s': Math.round(r.medianRoundTripsPerSecond),
      'rt/s spread': spread(r.runs),
      'median CPU µs/round trip': r.medianCpuMicrosPerRoundTrip.toFixed(3),
      'CPU spread': spread(r.cpuRuns),
      'CPU runs': r.cpuRuns.map((x) => x.toFixed(2)).join(' / '),
    })),
  );
  const pct = (values: number[]) => values.map((x) => x.toFixed(1)).join(' / ');
  console.log(
    `pairs, CPU % more: ${pct(metrics.pairCpuOverhead)}; throughput % less: ${pct(metrics.pairThroughputLoss)}`,
  );
  console.log(`load average before ${load(metrics.loadBefore)}, after ${load(metrics.loadAfter)}`);
  console.log(
    `metrics$ overhead (median of pairs): ${metrics.cpuOverhead.toFixed(1)} % client CPU per round trip, ` +
      `${metrics.throughputLoss.toFixed(1)} % throughput (goal <= 3 %)`,
  );
}

if (require.main === module) {
  // `node benchmarks/dist/transactions.js [pairs] [runMs]`: the metrics$ part alone.
  const [pairs, runMs] = process.argv.slice(2).map(Number);
  runMetricsBench(runMs || undefined, pairs || undefined).then(printMetricsBench, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
