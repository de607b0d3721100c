/**
 * `pnpm hostile` (issue 8): a server with safe defaults against hostile peers. Each attack runs
 * in its own process against the server in another (hostile-attacks.ts, hostile-server.ts);
 * server memory is judged as heapUsed + external (queued frames are Buffers) and RSS.
 *
 *   pnpm build && node benchmarks/dist/hostile.js [a b c d e]      (default: all five)
 *
 *   a  one client writes valid requests for 15 s as fast as its socket accepts and never reads;
 *      a second client sends one request every 5 ms meanwhile
 *   b  1 000 sockets send FF FF 30 (a frame announcing 65 535 bytes, one arrives)
 *   c  200 silent sockets, maxConnections 50, readTimeout 2 000; a client retrying every 500 ms
 *   d  100 silent sockets on a TLS server, handshakeTimeout 1 000; a TLS client
 *   e  two rx8583 links sending requests to each other flat out for 10 s
 *
 * Prints one line per check and writes benchmarks/results/hostile.json. Exit code 1 when a
 * check fails.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { HostileServerConfig, MemorySample, ServerReport } from './hostile-server';

const MiB = 1024 * 1024;
/** frameTimeout for attack b: short, so the run is short; the default is 30 000. */
const B_FRAME_TIMEOUT = 2_000;
/** maxQueuedBytes for attack e (default 1 MiB): small, so both ends run into it at once. */
const E_QUEUE = 256 * 1024;

interface Check {
  attack: string;
  what: string;
  measured: string;
  pass: boolean;
}

class Child {
  readonly process: ChildProcess;
  private readonly inbox: Array<{ type: string } & Record<string, unknown>> = [];
  private waiting: Array<() => void> = [];

  constructor(script: string, args: string[], execArgv: string[] = []) {
    this.process = fork(join(__dirname, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    this.process.on('message', (message: { type: string } & Record<string, unknown>) => {
      this.inbox.push(message);
      for (const wake of this.waiting.splice(0)) wake();
    });
  }

  /** The next message of `type` (messages of other types stay queued). */
  async next<T>(type: string): Promise<T> {
    for (;;) {
      const index = this.inbox.findIndex((message) => message.type === type);
      if (index >= 0) return this.inbox.splice(index, 1)[0] as T;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  ask<T>(type: string): Promise<T> {
    this.process.send({ type });
    return this.next<T>(type);
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = once(this.process, 'exit');
    if (this.process.connected) this.process.disconnect();
    else this.process.kill();
    await exited;
  }
}

async function startServer(config: HostileServerConfig): Promise<{ server: Child; port: number }> {
  const server = new Child('hostile-server.js', [JSON.stringify(config)], ['--expose-gc']);
  const { port } = await server.next<{ port: number }>('ready');
  await server.ask('baseline');
  return { server, port };
}

function attacker(role: string, port: number, params: object): Child {
  return new Child('hostile-attacks.js', [role, String(port), JSON.stringify(params)]);
}

const result = <T>(child: Child) => child.next<{ result: T }>('result').then((message) => message.result);
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const growth = (report: ServerReport, key: keyof MemorySample) => report.peak[key] - report.baseline[key];

async function attackA(checks: Check[]): Promise<object> {
  const { server, port } = await startServer({ options: {} });
  const probe = attacker('probe', port, { durationMs: 15_000, intervalMs: 5 });
  const flood = attacker('flood', port, { durationMs: 15_000 });
  // What is still held once a collection has run, 14 s in: the flood link's queue and socket.
  const retained = new Promise<MemorySample>((resolve) =>
    setTimeout(() => void server.ask<{ measure: MemorySample }>('measure').then((m) => resolve(m.measure)), 14_000),
  );
  const [probed, flooded] = await Promise.all([
    result<{ failures: Record<string, number>; p99Ms: number; sent: number }>(probe),
    result<object>(flood),
  ]);
  const alive = server.alive;
  const { report } = alive ? await server.ask<{ report: ServerReport }>('report') : { report: undefined };
  await server.stop();
  const failures = Object.values(probed.failures ?? {}).reduce((a, b) => a + b, 0);
  const heap = report ? growth(report, 'heapAndExternal') : NaN;
  checks.push(
    { attack: 'a', what: 'server survives', measured: alive ? 'alive' : 'died', pass: alive },
    { attack: 'a', what: 'heapUsed+external growth ≤ 64 MiB', measured: mib(heap), pass: heap <= 64 * MiB },
    { attack: 'a', what: 'probe: 0 failures', measured: `${failures} of ${probed.sent}`, pass: failures === 0 },
    { attack: 'a', what: 'probe: p99 ≤ 50 ms', measured: `${probed.p99Ms?.toFixed(1)} ms`, pass: probed.p99Ms <= 50 },
  );
  return {
    server: report,
    probe: probed,
    flood: flooded,
    rssGrowth: report && mib(growth(report, 'rss')),
    retainedGrowth: report && mib((await retained).heapAndExternal - report.baseline.heapAndExternal),
  };
}

/** Starts a server, opens 1 000 sockets with `role`, and measures what they pin (after a collection). */
async function holdThousand(role: 'ffff30' | 'silent', watchMs: number) {
  const { server, port } = await startServer({ options: { frameTimeout: B_FRAME_TIMEOUT } });
  const sockets = attacker(role, port, { sockets: 1_000, watchMs });
  await sockets.next('holding');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { measure: held } = await server.ask<{ measure: MemorySample }>('measure');
  const outcome = await result<{ closed: number; closedAfterMs: number[]; stillOpen: number }>(sockets);
  const { report } = await server.ask<{ report: ServerReport }>('report');
  await server.stop();
  const pinned = {
    heapAndExternal: held.heapAndExternal - report.baseline.heapAndExternal,
    rss: held.rss - report.baseline.rss,
  };
  return { report, pinned, outcome };
}

async function attackB(checks: Check[]): Promise<object> {
  // The control: 1 000 accepted sockets that send nothing cost what any 1 000 links cost.
  const control = await holdThousand('silent', 1_000);
  const attack = await holdThousand('ffff30', B_FRAME_TIMEOUT + 5_000);
  const extra = attack.pinned.heapAndExternal - control.pinned.heapAndExternal;
  const { closed, closedAfterMs } = attack.outcome;
  const [first = NaN, last = NaN] = closedAfterMs;
  const onTime = closed === 1_000 && first >= B_FRAME_TIMEOUT - 50 && last <= B_FRAME_TIMEOUT + 1_000;
  checks.push(
    {
      attack: 'b',
      what: 'memory the held frames cost over 1 000 silent links ≤ 8 MiB',
      measured: `${mib(extra)} (RSS ${mib(attack.pinned.rss - control.pinned.rss)})`,
      pass: extra <= 8 * MiB,
    },
    {
      attack: 'b',
      what: 'server growth while the 1 000 are held ≤ 8 MiB (heapUsed+external)',
      measured: `${mib(attack.pinned.heapAndExternal)} (${(attack.pinned.heapAndExternal / 1_000 / 1024).toFixed(1)} KiB a socket; RSS +${mib(attack.pinned.rss)}, peak heap+ext +${mib(growth(attack.report, 'heapAndExternal'))})`,
      pass: attack.pinned.heapAndExternal <= 8 * MiB,
    },
    {
      attack: 'b',
      what: `all 1 000 closed at frameTimeout (${B_FRAME_TIMEOUT} ms)`,
      measured: `${closed} closed, ${first.toFixed(0)}–${last.toFixed(0)} ms after their bytes`,
      pass: onTime,
    },
  );
  return { control, attack };
}

async function attackC(checks: Check[]): Promise<object> {
  const { server, port } = await startServer({ options: { maxConnections: 50, readTimeout: 2_000 } });
  const silent = attacker('silent', port, { sockets: 200, watchMs: 6_000 });
  const arrival = await silent.next<{ firstAt: number; lastAt: number }>('holding');
  const client = attacker('retrier', port, { durationMs: 8_000, intervalMs: 500 });
  const [served, held] = await Promise.all([
    result<{ servedAt?: number; attempts: number }>(client),
    result<object>(silent),
  ]);
  const { report } = await server.ask<{ report: ServerReport }>('report');
  await server.stop();
  // Counted from the first silent socket's arrival (both processes read the same wall clock).
  const after = served.servedAt === undefined ? null : served.servedAt - arrival.firstAt;
  const spread = arrival.lastAt - arrival.firstAt;
  checks.push({
    attack: 'c',
    what: "client served within 4 s of the silent sockets' arrival",
    measured:
      after === null
        ? 'never'
        : `${after.toFixed(0)} ms after the first arrived (the 200 arrived over ${spread.toFixed(0)} ms; attempt ${served.attempts})`,
    pass: after !== null && after <= 4_000,
  });
  return { server: report, silent: held, client: served, arrival };
}

async function attackD(checks: Check[]): Promise<object> {
  const { server, port } = await startServer({ options: { handshakeTimeout: 1_000 }, tls: true });
  const silent = attacker('silent', port, { sockets: 100, watchMs: 5_000 });
  await silent.next('holding');
  const client = attacker('retrier', port, { durationMs: 5_000, intervalMs: 500, tls: true });
  const [served, held] = await Promise.all([
    result<{ servedAfterMs: number | null }>(client),
    result<{ closed: number; closedAfterMs: number[] }>(silent),
  ]);
  const { report } = await server.ask<{ report: ServerReport }>('report');
  await server.stop();
  const last = held.closedAfterMs[1] ?? NaN;
  checks.push(
    {
      attack: 'd',
      what: 'all 100 closed within 3 s',
      measured: `${held.closed} closed, last at ${last.toFixed(0)} ms`,
      pass: held.closed === 100 && last <= 3_000,
    },
    {
      attack: 'd',
      what: 'a TLS client served',
      measured: served.servedAfterMs === null ? 'never' : `after ${served.servedAfterMs.toFixed(0)} ms`,
      pass: served.servedAfterMs !== null,
    },
  );
  return { server: report, silent: held, client: served };
}

interface Tally {
  issued: number;
  answered: number;
  pending: number;
  failed: Record<string, number>;
  settledPerSecond: number[];
  longestStallMs: number;
}

async function attackE(checks: Check[]): Promise<object> {
  // 5 000 sends in flight each way against a 256 KiB ceiling (E_QUEUE): requests always wait for
  // room on both ends, and each end's replies pause its reading — the deadlock-prone case.
  const window = 5_000;
  const options = { maxQueuedBytes: E_QUEUE };
  const { server, port } = await startServer({ options, peer: { window, durationMs: 10_000 } });
  const client = attacker('peer', port, { window, durationMs: 10_000, maxQueuedBytes: E_QUEUE });
  const clientSide = await result<Tally>(client);
  const { report } = await server.ask<{ report: ServerReport }>('report');
  await server.stop();
  const serverSide = report.peerSends!;
  for (const [side, tally] of [
    ['client', clientSide],
    ['server', serverSide],
  ] as const) {
    checks.push(
      {
        attack: 'e',
        what: `${side}: every send settles`,
        measured: `${tally.issued} issued, ${tally.answered} answered, ${JSON.stringify(tally.failed)} failed, ${tally.pending} pending`,
        pass: tally.pending === 0,
      },
      {
        attack: 'e',
        what: `${side}: no stall over 2 s (no deadlock)`,
        measured: `longest ${tally.longestStallMs} ms without a send settling; per second: ${tally.settledPerSecond.join(' ')}`,
        pass: tally.longestStallMs <= 2_000 && tally.answered > 0,
      },
    );
  }
  return { server: report, client: clientSide };
}

const attacks: Record<string, (checks: Check[]) => Promise<object>> = {
  a: attackA,
  b: attackB,
  c: attackC,
  d: attackD,
  e: attackE,
};

async function main(): Promise<void> {
  const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(attacks);
  const checks: Check[] = [];
  const details: Record<string, object> = {};
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  console.log(`pnpm hostile on ${machine}; load average at start ${loadavg()[0]!.toFixed(2)}`);
  for (const name of chosen) {
    const run = attacks[name];
    if (run === undefined) throw new Error(`unknown attack ${name}; choose from ${Object.keys(attacks).join(' ')}`);
    const before = checks.length;
    details[name] = await run(checks);
    for (const check of checks.slice(before)) {
      console.log(`${check.pass ? 'PASS' : 'FAIL'}  ${check.attack}  ${check.what}: ${check.measured}`);
    }
  }
  const out = join(__dirname, '..', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'hostile.json'),
    JSON.stringify({ machine, loadAverageAtEnd: loadavg(), checks, details }, null, 2),
  );
  console.log(`load average at end ${loadavg()[0]!.toFixed(2)}; details in benchmarks/results/hostile.json`);
  process.exitCode = checks.every((check) => check.pass) ? 0 : 1;
}

void main();
