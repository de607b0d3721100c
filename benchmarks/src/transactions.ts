/**
 * `pnpm bench transactions`: (a) durable journal appends per second — one awaited append at a
 * time (an fdatasync each), and bursts that share one flush (group commit), also through
 * store-and-forward's `enqueue` (card data stripped, PAN encrypted); (b) what `metrics$` costs on
 * round trips: K = 100 senders on one link to an echo server in a child process, with and without a
 * `metrics$` subscription, runs alternated, medians compared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from '@rx8583/connection';
import { Message, spec87ascii } from '@rx8583/iso8583';
import { createStoreAndForward, metrics$, openJournal, openJournalStore } from '@rx8583/transactions';
import { runSenders, startTarget } from './connection';
import { echoSpec } from './echo-spec';

export interface JournalRow {
  mode: string;
  appends: number;
  appendsPerSecond: number;
}

export interface MetricsRow {
  metrics: 'off' | 'on';
  /** Round trips per second of each run. */
  runs: number[];
  medianRoundTripsPerSecond: number;
  /** Client CPU time (user + system) per round trip of each run, microseconds. */
  cpuRuns: number[];
  medianCpuMicrosPerRoundTrip: number;
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

export async function runMetricsBench(durationMs = 3_000, pairs = 5): Promise<MetricsRow[]> {
  const target = await startTarget('child-process');
  const connection = await connect({ host: '127.0.0.1', port: target.port, spec: echoSpec, idleTime: 60_000 });
  const off = { rate: [] as number[], cpu: [] as number[] };
  const on = { rate: [] as number[], cpu: [] as number[] };
  // Throughput on a shared machine swings with other load; the client's CPU time per round trip
  // swings far less, so both are reported and the overhead is judged on CPU.
  const run = async (into: typeof off) => {
    const cpu = process.cpuUsage();
    const result = await runSenders(connection, 100, durationMs);
    const used = process.cpuUsage(cpu);
    into.rate.push(result.roundTripsPerSecond);
    into.cpu.push((used.user + used.system) / result.roundTrips);
  };
  try {
    await runSenders(connection, 100, 1_000); // warm-up
    for (let i = 0; i < pairs; i++) {
      await run(off);
      const subscription = metrics$(connection, { interval: 1_000 }).subscribe();
      await run(on);
      subscription.unsubscribe();
    }
  } finally {
    await connection.close();
    await target.stop();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const row = (metrics: 'off' | 'on', r: typeof off): MetricsRow => ({
    metrics,
    runs: r.rate,
    medianRoundTripsPerSecond: median(r.rate),
    cpuRuns: r.cpu,
    medianCpuMicrosPerRoundTrip: median(r.cpu),
  });
  return [row('off', off), row('on', on)];
}

export function printTransactionsBench(journal: JournalRow[], metrics: MetricsRow[]): void {
  console.log('\n(a) durable journal appends');
  console.table(
    journal.map((r) => ({ mode: r.mode, appends: r.appends, 'appends/s': Math.round(r.appendsPerSecond) })),
  );
  console.log('\n(b) metrics$ on round trips (K = 100 senders, echo server in a child process)');
  console.table(
    metrics.map((r) => ({
      metrics$: r.metrics,
      'median round trips/s': Math.round(r.medianRoundTripsPerSecond),
      runs: r.runs.map((x) => Math.round(x)).join(' / '),
      'median CPU µs/round trip': r.medianCpuMicrosPerRoundTrip.toFixed(2),
      'CPU runs': r.cpuRuns.map((x) => x.toFixed(2)).join(' / '),
    })),
  );
  const [off, on] = metrics;
  const throughput = (1 - on!.medianRoundTripsPerSecond / off!.medianRoundTripsPerSecond) * 100;
  const cpu = (on!.medianCpuMicrosPerRoundTrip / off!.medianCpuMicrosPerRoundTrip - 1) * 100;
  console.log(
    `metrics$ overhead: ${cpu.toFixed(1)} % client CPU per round trip, ${throughput.toFixed(1)} % throughput (goal <= 3 %)`,
  );
}
