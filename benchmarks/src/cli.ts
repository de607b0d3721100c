/**
 * The `rx8583` CLI against the library: `rx8583 load` against `rx8583 serve`, each in its own
 * process, next to the same exchange written with the library (a `serve` echo server in a child
 * process, K senders with `connection.send`), both sending the 0800 echo of spec87ascii (fields 7,
 * 11, 70) over binary2 framing on loopback. The gap is what the simulator's rules engine and the
 * load generator's bookkeeping cost.
 */
import { connect, createServer } from '@rx8583/connection';
import { Message, spec87ascii } from '@rx8583/iso8583';
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { LatencyRecorder } from './latency-recorder';
import { median } from './stats';

const BIN = require.resolve('@rx8583/simulator/package.json').replace(/package\.json$/, 'dist/cli/main.js');

export interface CliBenchRow {
  what: 'library' | 'rx8583 load → rx8583 serve';
  concurrency: number;
  roundTripsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time (user + system) per round trip of the sending process, µs. */
  clientCpuMicros: number;
  /** CPU time per round trip of the answering process, µs (Linux: from /proc; NaN elsewhere). */
  serverCpuMicros: number;
}

/**
 * CPU time a process has used so far, µs: the sum over its threads' /proc schedstat (nanosecond
 * resolution, where /proc/<pid>/stat counts 10 ms ticks). NaN where there is no /proc.
 */
function processCpuMicros(pid: number): number {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    }
    return ns / 1000;
  } catch {
    return NaN;
  }
}

let stan = 0;
function echo(): Message {
  stan = (stan % 999_999) + 1;
  return new Message(spec87ascii, { mti: '0800', fields: { 7: '1201103000', 11: stan, 70: '301' } });
}

/** The library's side: an echo server in a child process, K senders here. */
async function libraryRun(concurrency: number, durationMs: number): Promise<CliBenchRow> {
  const child: ChildProcess = fork(__filename, ['--echo-server'], { stdio: 'inherit' });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const conn = await connect({ host: '127.0.0.1', port, spec: spec87ascii, idleTime: 60_000 });
  try {
    for (let i = 0; i < 5_000; i++) await conn.send(echo()); // warm-up
    const latencies = new LatencyRecorder();
    const serverCpu = processCpuMicros(child.pid!);
    const cpu = process.cpuUsage();
    // (from after the warm-up to the end, as the CLI's server CPU is read)
    const started = performance.now();
    const deadline = started + durationMs;
    const sender = async () => {
      for (let t0 = performance.now(); t0 < deadline;) {
        await conn.send(echo());
        const t1 = performance.now();
        latencies.record(t1 - t0);
        t0 = t1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, sender));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const served = processCpuMicros(child.pid!) - serverCpu;
    const [p50Ms, p99Ms] = latencies.percentiles(50, 99);
    return {
      what: 'library',
      concurrency,
      roundTripsPerSecond: latencies.count / seconds,
      p50Ms: p50Ms!,
      p99Ms: p99Ms!,
      clientCpuMicros: (used.user + used.system) / latencies.count,
      serverCpuMicros: served / latencies.count,
    };
  } finally {
    await conn.close();
    const exited = once(child, 'exit');
    child.disconnect();
    await exited;
  }
}

/** Runs the CLI; `onErrLine` sees each line it writes to stderr (`load`'s progress lines). */
function run(args: string[], onErrLine: (line: string) => void = () => undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      for (let end = err.indexOf('\n'); end >= 0; end = err.indexOf('\n')) {
        onErrLine(err.slice(0, end));
        err = err.slice(end + 1);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`rx8583 ${args[0]} exited ${code}`))));
  });
}

/** The CLI's side: `rx8583 serve` in one process, `rx8583 load --json` in another. */
async function cliRun(concurrency: number, durationMs: number): Promise<CliBenchRow> {
  const serve = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      serve.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on [\d.]+:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      serve.on('exit', (code) => reject(new Error(`rx8583 serve exited ${code}`)));
    });
    const to = `127.0.0.1:${port}`;
    // The server's CPU is read from `load`'s first progress line (1 s into the measured run, past
    // its warm-up) to its end, against the requests sent meanwhile.
    let serverCpu = NaN;
    let sentBefore = 0;
    const firstProgress = (line: string) => {
      const sent = /\] sent (\d+)/.exec(line);
      if (sent && Number.isNaN(serverCpu)) {
        serverCpu = processCpuMicros(serve.pid!);
        sentBefore = Number(sent[1]);
      }
    };
    const report = JSON.parse(
      await run(
        [
          'load',
          '--to',
          to,
          '--warmup',
          '5000',
          '--concurrency',
          String(concurrency),
          '--duration',
          `${durationMs}ms`,
          '--progress',
          'lines',
          '--json',
        ],
        firstProgress,
      ),
    ) as { throughput: number; sent: number; cpuMs: number; latencyMs: { p50: number; p99: number } };
    const served = processCpuMicros(serve.pid!) - serverCpu;
    return {
      what: 'rx8583 load → rx8583 serve',
      concurrency,
      roundTripsPerSecond: report.throughput,
      p50Ms: report.latencyMs.p50,
      p99Ms: report.latencyMs.p99,
      clientCpuMicros: (report.cpuMs * 1000) / report.sent,
      serverCpuMicros: served / (report.sent - sentBefore),
    };
  } finally {
    serve.kill('SIGTERM');
    await once(serve, 'exit').catch(() => undefined);
  }
}

/** Library and CLI rows alternated `runs` times; each row is the median run by round trips per second. */
export async function runCliBench(options: { concurrency?: number; durationMs?: number; runs?: number } = {}) {
  const { concurrency = 100, durationMs = 3_000, runs = 3 } = options;
  const library: CliBenchRow[] = [];
  const cli: CliBenchRow[] = [];
  for (let i = 0; i < runs; i++) {
    library.push(await libraryRun(concurrency, durationMs));
    cli.push(await cliRun(concurrency, durationMs));
  }
  const medianRun = (rows: CliBenchRow[]) =>
    [...rows].sort((a, b) => a.roundTripsPerSecond - b.roundTripsPerSecond)[Math.floor(rows.length / 2)]!;
  const rows = [medianRun(library), medianRun(cli)];
  const cost = 1 - rows[1]!.roundTripsPerSecond / rows[0]!.roundTripsPerSecond;
  // On a shared machine throughput swings with other load; CPU per round trip far less. Medians
  // over the runs, client + server.
  const cpuOf = (runs: CliBenchRow[]) => median(runs.map((r) => r.clientCpuMicros + r.serverCpuMicros));
  const cpuCost = cpuOf(cli) / cpuOf(library) - 1;
  return { rows, cliCost: cost, cpuCost, all: { library, cli } };
}

export function printCliBench({ rows, cliCost, cpuCost, all }: Awaited<ReturnType<typeof runCliBench>>): void {
  console.table(
    rows.map((r) => ({
      what: r.what,
      K: r.concurrency,
      'round trips/s': Math.round(r.roundTripsPerSecond),
      'p50 ms': r.p50Ms.toFixed(3),
      'p99 ms': r.p99Ms.toFixed(3),
    })),
  );
  const cpu = (runs: CliBenchRow[]) =>
    runs.map((r) => `${r.clientCpuMicros.toFixed(2)} + ${r.serverCpuMicros.toFixed(2)}`).join(' / ');
  console.log(`CPU µs per round trip, client + server, each run: library ${cpu(all.library)}; CLI ${cpu(all.cli)}`);
  console.log(`CLI cost: ${(cliCost * 100).toFixed(1)} % fewer round trips per second than the library (goal ≤ 15 %)`);
  console.log(`CLI cost in CPU per round trip (client + server, medians): ${(cpuCost * 100).toFixed(1)} %`);
}

if (process.argv.includes('--echo-server')) {
  const server = createServer({ spec: spec87ascii });
  server.serve((request) => request.toResponse({ 39: '00' }));
  void server.listen(0, '127.0.0.1').then(({ port }) => {
    process.send?.({ port });
    process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  });
}
