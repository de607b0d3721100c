/**
 * Pool soak test (issue 4): 3 hosts, 100 000 requests through one pool while one host restarts
 * every second. Passes when every request settles — a response or a typed error — none hangs,
 * and the heap after the run is within 20 % of the heap before it.
 *
 *   pnpm build && node --expose-gc benchmarks/dist/soak.js [requests] [concurrency] [rate]
 *
 * `rate` (requests per second, default 5 000; 0 = as fast as possible) spreads the run over
 * enough seconds for many restarts: unpaced, 100 000 echoes take about two seconds here.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createPool, type Pool } from '@rx8583/connection';
import { echoRequest, echoSpec } from './echo-spec';
import { RestartableHost } from './soak-hosts';

const REQUESTS = Number(process.argv[2] ?? 100_000);
const CONCURRENCY = Number(process.argv[3] ?? 100);
const RATE = Number(process.argv[4] ?? 5_000);
const RESTART_EVERY_MS = 1_000;
const SEND_TIMEOUT_MS = 2_000;
/** A run with no request settling for this long has hung. */
const STALL_MS = 15_000;
/** Errors the library documents; anything else is a failure of the test. */
const TYPED_ERRORS = new Set([
  'ConnectionClosedError',
  'SendTimeoutError',
  'NoConnectionsError',
  'ConnectError',
  'ConnectTimeoutError',
]);

interface Tally {
  settled: number;
  ok: number;
  errors: Map<string, number>;
  lastProgress: number;
}

function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

let stan = 0;
const nextStan = () => (stan = (stan % 999_999) + 1);

async function drive(pool: Pool, requests: number, tally: Tally, rate = 0): Promise<void> {
  let issued = 0;
  const started = Date.now();
  const worker = async () => {
    while (issued < requests) {
      const index = issued++;
      const due = rate > 0 ? started + (index * 1_000) / rate : 0;
      if (due > Date.now()) await delay(due - Date.now());
      try {
        const link = await pool.get();
        await link.send(echoRequest(nextStan()), { timeout: SEND_TIMEOUT_MS });
        tally.ok += 1;
      } catch (error) {
        const name = error instanceof Error && TYPED_ERRORS.has(error.name) ? error.name : `untyped ${String(error)}`;
        tally.errors.set(name, (tally.errors.get(name) ?? 0) + 1);
      }
      tally.settled += 1;
      tally.lastProgress = Date.now();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) console.warn('run with node --expose-gc for a meaningful heap comparison');
  const hosts = [new RestartableHost(), new RestartableHost(), new RestartableHost()];
  await Promise.all(hosts.map((host) => host.start()));
  const pool = createPool({
    addresses: hosts.map((host) => host.address),
    connection: (address) => ({
      host: '127.0.0.1',
      port: Number(address.split(':')[1]),
      spec: echoSpec,
      idleTime: Infinity,
    }),
    minConnections: 3,
    reconnect: { initial: 50, max: 500, jitter: 0.2 },
  });
  const poolEvents = { up: 0, down: 0, retry: 0, error: 0 };
  pool.events$.subscribe((event) => {
    if (event.type !== 'closed') poolEvents[event.type] += 1;
  });
  await pool.connect();

  const warmUp: Tally = { settled: 0, ok: 0, errors: new Map(), lastProgress: Date.now() };
  await drive(pool, 10_000, warmUp);
  const heapBefore = heapAfterGc();

  let next = 0;
  const restarter = setInterval(() => void hosts[next++ % hosts.length]!.restart(), RESTART_EVERY_MS);
  const tally: Tally = { settled: 0, ok: 0, errors: new Map(), lastProgress: Date.now() };
  let stalled = false;
  const watchdog = setInterval(() => {
    if (Date.now() - tally.lastProgress > STALL_MS) {
      stalled = true;
      console.error(`HANG: no request settled for ${STALL_MS} ms; ${tally.settled} of ${REQUESTS} settled`);
      process.exit(1);
    }
  }, 1_000);
  const started = process.hrtime.bigint();
  await drive(pool, REQUESTS, tally, RATE);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(restarter);
  clearInterval(watchdog);
  const heapAfter = heapAfterGc();

  await pool.close();
  await Promise.all(hosts.map((host) => host.stop()));

  const untyped = [...tally.errors.keys()].filter((name) => name.startsWith('untyped'));
  const heapChange = (heapAfter - heapBefore) / heapBefore;
  const result = {
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    ratePerSecond: RATE || 'unpaced',
    seconds: Number(seconds.toFixed(2)),
    requestsPerSecond: Math.round(REQUESTS / seconds),
    succeeded: tally.ok,
    failed: Object.fromEntries(tally.errors),
    settled: tally.settled,
    restarts: hosts.reduce((sum, host) => sum + host.restarts, 0),
    poolEvents,
    heapBeforeMiB: Number((heapBefore / 2 ** 20).toFixed(1)),
    heapAfterMiB: Number((heapAfter / 2 ** 20).toFixed(1)),
    heapChangePercent: Number((heapChange * 100).toFixed(1)),
  };
  console.log(JSON.stringify(result, null, 2));
  const passed = !stalled && tally.settled === REQUESTS && untyped.length === 0 && Math.abs(heapChange) <= 0.2;
  console.log(passed ? 'PASS' : 'FAIL');
  process.exitCode = passed ? 0 : 1;
}

void main();
