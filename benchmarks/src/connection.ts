/**
 * moov-io's two connection benchmarks, reproduced over loopback on one connection:
 *  (a) N concurrent sends of the 0800 echo, time per batch (moov: BenchmarkProcess{N});
 *  (b) K senders each sending sequentially for a fixed time, round trips per second and latency
 *      percentiles (moov: BenchmarkParallel).
 * The echo server runs in this process, and as a second mode in a child process so that client and
 * server each get a core.
 */
import { performance } from 'node:perf_hooks';
import { connect, type Connection } from '@rx8583/connection';
import { echoRequest, echoSpec } from './echo-spec';
import { startEchoServer } from './echo-server';
import { LatencyRecorder } from './latency-recorder';
import { forkServer } from './child-server';
import { median } from './stats';

export type ServerMode = 'in-process' | 'child-process';

export interface BatchResult {
  mode: ServerMode;
  n: number;
  /** Median over the runs, milliseconds for the whole batch. */
  msPerBatch: number;
  roundTripsPerSecond: number;
}

export interface SendersResult {
  mode: ServerMode;
  k: number;
  roundTrips: number;
  roundTripsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export interface EchoTarget {
  port: number;
  stop(): Promise<void>;
}

export async function startTarget(mode: ServerMode): Promise<EchoTarget> {
  if (mode === 'in-process') {
    const { server, port } = await startEchoServer();
    return { port, stop: () => server.close() };
  }
  return forkServer(require.resolve('./echo-server'));
}

let stan = 0;
const nextStan = () => (stan = (stan % 999_999) + 1);

async function sendBatch(connection: Connection, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  const sends = new Array<Promise<unknown>>(n);
  for (let i = 0; i < n; i++) sends[i] = connection.send(echoRequest(nextStan()), { timeout: 30_000 });
  await Promise.all(sends);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function runSenders(connection: Connection, k: number, durationMs: number) {
  const latencies = new LatencyRecorder();
  const started = performance.now();
  const deadline = started + durationMs;
  const sender = async () => {
    for (let t0 = performance.now(); t0 < deadline;) {
      await connection.send(echoRequest(nextStan()));
      const t1 = performance.now();
      latencies.record(t1 - t0);
      t0 = t1;
    }
  };
  await Promise.all(Array.from({ length: k }, sender));
  const seconds = (performance.now() - started) / 1000;
  const [p50Ms, p99Ms, p999Ms] = latencies.percentiles(50, 99, 99.9);
  return { roundTrips: latencies.count, roundTripsPerSecond: latencies.count / seconds, p50Ms, p99Ms, p999Ms };
}

export interface ConnectionBenchOptions {
  modes?: ServerMode[];
  batchSizes?: number[];
  senders?: number[];
  /** How long each K-senders run lasts. */
  durationMs?: number;
  /** Batches per size; the median is reported. */
  runs?: number;
}

export async function runConnectionBench(options: ConnectionBenchOptions = {}) {
  const {
    modes = ['in-process', 'child-process'],
    batchSizes = [100, 1_000, 10_000, 100_000],
    senders = [2, 100],
    durationMs = 3_000,
    runs = 5,
  } = options;
  const batches: BatchResult[] = [];
  const parallel: SendersResult[] = [];
  for (const mode of modes) {
    const target = await startTarget(mode);
    const connection = await connect({ host: '127.0.0.1', port: target.port, spec: echoSpec, idleTime: 60_000 });
    try {
      await sendBatch(connection, 10_000); // warm-up: JIT and socket buffers
      for (const n of batchSizes) {
        const times: number[] = [];
        for (let run = 0; run < (n >= 100_000 ? Math.min(runs, 3) : runs); run++)
          times.push(await sendBatch(connection, n));
        const ms = median(times);
        batches.push({ mode, n, msPerBatch: ms, roundTripsPerSecond: (n / ms) * 1000 });
      }
      for (const k of senders) parallel.push({ mode, k, ...(await runSenders(connection, k, durationMs)) });
    } finally {
      await connection.close();
      await target.stop();
    }
  }
  return { batches, parallel };
}

export function printConnectionBench({ batches, parallel }: Awaited<ReturnType<typeof runConnectionBench>>): void {
  console.log('\n(a) N concurrent 0800 echo sends on one connection (median batch)');
  console.table(
    batches.map((b) => ({
      server: b.mode,
      N: b.n,
      'ms/batch': b.msPerBatch.toFixed(1),
      'round trips/s': Math.round(b.roundTripsPerSecond),
    })),
  );
  console.log('\n(b) K sequential senders on one connection');
  console.table(
    parallel.map((p) => ({
      server: p.mode,
      K: p.k,
      'round trips/s': Math.round(p.roundTripsPerSecond),
      'p50 ms': p.p50Ms.toFixed(3),
      'p99 ms': p.p99Ms.toFixed(3),
      'p99.9 ms': p.p999Ms.toFixed(3),
      'round trips': p.roundTrips,
    })),
  );
}

if (require.main === module) {
  runConnectionBench()
    .then(printConnectionBench)
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
