/**
 * A/B round-trip benchmark: the build of a git ref against the current checkout, alternated in one
 * run, so that both face the same machine load.
 *
 *   pnpm bench:ab <ref> [rounds=4] [durationMs=3000]
 *   (= pnpm build && node benchmarks/dist/ab.js <ref> ...)
 *
 * The ref is exported with `git archive` into a scratch directory outside the repository
 * (`$TMPDIR/rx8583-ab/<commit>`), installed (`pnpm install --frozen-lockfile`) and built once;
 * later runs reuse it. Each round runs both builds, in alternating order; a build's run is an
 * echo server and a client, each a process of its own loading only that build's packages through
 * their public entries:
 *  - K = 100 senders on one connection, each sending the next 0800 when its answer is in, for
 *    `durationMs`: round trips/s, p99, and CPU µs per round trip in client and server — on a loaded
 *    machine compare those, not the wall-clock figures;
 *  - N = 10 000 sends at once on the same connection, median of 5 batches: round trips/s, and CPU
 *    µs per round trip (client + server) over the 5.
 * Prints one table row per build and round, then the medians; writes benchmarks/results/ab.json.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as ConnectionPackage from '@rx8583/connection';
import type * as CodecPackage from '@rx8583/iso8583';
import { answerCpuQueries, forkServer } from './child-server';
import { LatencyRecorder } from './latency-recorder';
import { median } from './stats';

const PNPM = ['--yes', 'pnpm@12.4.2'];
const SENDERS = 100;
const BATCH = 10_000;
const BATCHES = 5;

interface BuildUnderTest {
  label: string;
  root: string;
}

interface RoundResult {
  roundTripsPerSecond: number;
  p99Ms: number;
  clientCpuMicros: number;
  serverCpuMicros: number;
  batchRoundTripsPerSecond: number;
  /** CPU µs per round trip of the batches, client and server together. */
  batchCpuMicros: number;
}

/** The packages of the build at `root`, loaded by path (never the workspace's own). */
function load(root: string) {
  /* eslint-disable @typescript-eslint/no-require-imports -- a build chosen at run time, by path */
  const connection = require(join(root, 'packages', 'connection', 'dist', 'index.js')) as typeof ConnectionPackage;
  const codec = require(join(root, 'packages', 'iso8583', 'dist', 'index.js')) as typeof CodecPackage;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const spec = codec.defineSpec({
    name: 'a/b echo',
    fields: {
      0: { type: 'numeric', length: 4, encoding: 'ascii' },
      1: { type: 'bitmap', length: 8, encoding: 'binary' },
      11: { type: 'numeric', length: 6, encoding: 'ascii' },
    },
  });
  const message = (mti: string, stan: string | number) => new codec.Message(spec, { mti, fields: { 11: stan } });
  return { connection, spec, message };
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** Child role: an echo server of the build at `root`; reports its port, answers `cpu` queries. */
async function serve(root: string): Promise<void> {
  const { connection, spec, message } = load(root);
  const server = connection.createServer({ spec });
  server.connections$.subscribe((link) =>
    link.inbound$.subscribe((request) => void link.reply(message('0810', request.get(11) as string))),
  );
  const { port } = await server.listen(0, '127.0.0.1');
  answerCpuQueries();
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  process.send!({ port });
}

/** Child role: the client of the build at `root` against the server on `port`. */
async function drive(root: string, port: number, durationMs: number): Promise<void> {
  const { connection, spec, message } = load(root);
  const conn = await connection.connect({ host: '127.0.0.1', port, spec, idleTime: 60_000 });
  let stan = 0;
  const request = () => message('0800', (stan = (stan % 999_999) + 1));
  const senders = async (ms: number) => {
    const latencies = new LatencyRecorder();
    const deadline = performance.now() + ms;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        for (let t0 = performance.now(); t0 < deadline;) {
          await conn.send(request());
          const t1 = performance.now();
          latencies.record(t1 - t0);
          t0 = t1;
        }
      }),
    );
    return latencies;
  };
  const batch = async () => {
    const started = performance.now();
    await Promise.all(Array.from({ length: BATCH }, () => conn.send(request(), { timeout: 30_000 })));
    return (BATCH / (performance.now() - started)) * 1000;
  };
  await senders(1_000); // warm-up: JIT and socket buffers
  await batch();
  const serverBefore = await askServerCpu();
  const clientBefore = cpuMicros();
  const started = performance.now();
  const latencies = await senders(durationMs);
  const seconds = (performance.now() - started) / 1000;
  const clientCpu = cpuMicros() - clientBefore;
  const serverCpu = (await askServerCpu()) - serverBefore;
  const batchServerBefore = await askServerCpu();
  const batchClientBefore = cpuMicros();
  const batches: number[] = [];
  for (let i = 0; i < BATCHES; i++) batches.push(await batch());
  const batchCpu = cpuMicros() - batchClientBefore + ((await askServerCpu()) - batchServerBefore);
  await conn.close();
  const [p99Ms] = latencies.percentiles(99);
  const result: RoundResult = {
    roundTripsPerSecond: latencies.count / seconds,
    p99Ms: p99Ms!,
    clientCpuMicros: clientCpu / latencies.count,
    serverCpuMicros: serverCpu / latencies.count,
    batchRoundTripsPerSecond: median(batches),
    batchCpuMicros: batchCpu / (BATCHES * BATCH),
  };
  process.send!({ result }, () => process.exit(0));
}

/** In the client: the server's CPU time, asked through the parent (which owns both processes). */
function askServerCpu(): Promise<number> {
  process.send!({ askCpu: true });
  return new Promise((done) => {
    const onMessage = (answer: { cpuMicros?: number }) => {
      if (answer.cpuMicros === undefined) return;
      process.off('message', onMessage);
      done(answer.cpuMicros);
    };
    process.on('message', onMessage);
  });
}

function child(args: string[]): ChildProcess {
  return fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** One build's run: its server and its client, each in a process of its own. */
async function runBuild(build: BuildUnderTest, durationMs: number): Promise<RoundResult> {
  const server = await forkServer(__filename, ['--serve', build.root]);
  const client = child(['--drive', build.root, String(server.port), String(durationMs)]);
  try {
    return await new Promise<RoundResult>((done, fail) => {
      client.on('exit', (code) => fail(new Error(`${build.label}: the client exited with ${code}`)));
      client.on('message', (message: { askCpu?: boolean; result?: RoundResult }) => {
        if (message.result !== undefined) done(message.result);
        else if (message.askCpu) void server.cpuMicros().then((cpuMicros) => client.send({ cpuMicros }));
      });
    });
  } finally {
    client.removeAllListeners('exit');
    if (client.exitCode === null) await once(client, 'exit');
    await server.stop();
  }
}

const git = (args: string[], cwd: string) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/** The build of `ref` in a scratch directory outside the repository: exported, installed, built (once). */
function buildRef(ref: string, repo: string): BuildUnderTest {
  const commit = git(['rev-parse', '--verify', `${ref}^{commit}`], repo);
  const root = join(tmpdir(), 'rx8583-ab', commit);
  const done = join(root, '.ab-built');
  if (!existsSync(done)) {
    console.log(`building ${ref} (${commit.slice(0, 7)}) in ${root} ...`);
    mkdirSync(root, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C '${root}'`], { cwd: repo, stdio: 'inherit' });
    const run = (args: string[]) => execFileSync('npx', [...PNPM, ...args], { cwd: root, stdio: 'inherit' });
    run(['install', '--frozen-lockfile', '--prefer-offline']);
    run(['-r', 'build']);
    writeFileSync(done, `${commit}\n`);
  }
  return { label: `${ref} (${commit.slice(0, 7)})`, root };
}

async function main(): Promise<void> {
  const [first, ...rest] = process.argv.slice(2);
  if (first === '--serve') return serve(rest[0]!);
  if (first === '--drive') return drive(rest[0]!, Number(rest[1]), Number(rest[2]));
  if (first === undefined) throw new Error('usage: node benchmarks/dist/ab.js <git ref> [rounds=4] [durationMs=3000]');
  const rounds = Number(rest[0] ?? 4);
  const durationMs = Number(rest[1] ?? 3_000);
  const repo = resolve(__dirname, '..', '..');
  const head = git(['rev-parse', '--short', 'HEAD'], repo);
  const dirty = git(['status', '--porcelain', '--untracked-files=no'], repo) === '' ? '' : ' + changes';
  const builds = [buildRef(first, repo), { label: `current (${head}${dirty})`, root: repo }];
  console.log(
    `load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const rows: Array<{ round: number; build: string } & RoundResult> = [];
  for (let round = 1; round <= rounds; round++) {
    // A B, then B A: neither build always runs first.
    for (const build of round % 2 === 1 ? builds : [...builds].reverse()) {
      rows.push({ round, build: build.label, ...(await runBuild(build, durationMs)) });
      const row = rows[rows.length - 1]!;
      console.log(
        `round ${round} ${build.label.padEnd(28)} K=${SENDERS} ${Math.round(row.roundTripsPerSecond)} rt/s, p99 ${row.p99Ms.toFixed(2)} ms, ` +
          `CPU µs/rt client ${row.clientCpuMicros.toFixed(2)} server ${row.serverCpuMicros.toFixed(2)}; N=${BATCH} ${Math.round(row.batchRoundTripsPerSecond)} rt/s, ${row.batchCpuMicros.toFixed(2)} CPU µs/rt; load ${loadavg()[0]!.toFixed(2)}`,
      );
    }
  }
  const summary = builds.map(({ label }) => {
    const mine = rows.filter((row) => row.build === label);
    const of = (key: keyof RoundResult) => median(mine.map((row) => row[key]));
    return {
      build: label,
      'K=100 rt/s': Math.round(of('roundTripsPerSecond')),
      'p99 ms': of('p99Ms').toFixed(2),
      'client CPU µs/rt': of('clientCpuMicros').toFixed(2),
      'server CPU µs/rt': of('serverCpuMicros').toFixed(2),
      'N=10 000 rt/s': Math.round(of('batchRoundTripsPerSecond')),
      'N=10 000 CPU µs/rt': of('batchCpuMicros').toFixed(2),
    };
  });
  console.log(
    `\nmedians over ${rounds} rounds; load average at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.table(summary);
  const out = join(__dirname, '..', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'ab.json'), JSON.stringify({ rounds: rows, summary, loadAverageAtEnd: loadavg() }, null, 2));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
