/**
 * The attackers (and the honest clients watching them) of `pnpm hostile`, one role per child
 * process: `node hostile-attacks.js <role> <port> [json params]`. Each role reports one `result`
 * message over IPC and exits; roles that hold sockets also report `holding` once they all are open.
 */
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { connect, framing, type ConnectionOptions } from '@rx8583/connection';
import { echoRequest, echoResponse, echoSpec } from './echo-spec';
import { LatencyRecorder } from './latency-recorder';
import { SendTally } from './hostile-tally';

interface Params {
  durationMs?: number;
  sockets?: number;
  intervalMs?: number;
  window?: number;
  tls?: boolean;
  /** How long to keep watching sockets for the server to close them. */
  watchMs?: number;
  maxQueuedBytes?: number;
}

const [role = '', portText = '0', paramsText = '{}'] = process.argv.slice(2);
const port = Number(portText);
const params = JSON.parse(paramsText) as Params;
const report = (message: object) => process.send?.(message);
/** Wall-clock milliseconds with sub-ms precision: comparable across the processes of one run. */
const epochNow = () => performance.timeOrigin + performance.now();

function tlsOptions(): Pick<ConnectionOptions, 'tls'> {
  if (!params.tls) return {};
  const ca = readFileSync(join(__dirname, '..', '..', 'packages', 'connection', 'test', 'fixtures', 'ca.crt'));
  return { tls: { ca } };
}

function rawSocket(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** (a) Writes valid 0800s as fast as the socket takes them and never reads a reply. */
async function flood(): Promise<object> {
  const frames = Buffer.concat(
    Array.from({ length: 2_000 }, (_, i) => framing.binary2().encode(echoRequest(i + 1).pack())),
  );
  const socket = await rawSocket();
  socket.pause(); // never read: the replies pile up on the server's side
  let written = 0;
  let closed = false;
  socket.on('error', () => (closed = true));
  socket.on('close', () => (closed = true));
  const deadline = Date.now() + params.durationMs!;
  while (Date.now() < deadline && !closed) {
    if (socket.write(frames)) {
      written += frames.length;
      if (written % (frames.length * 64) === 0) await new Promise(setImmediate); // let timers run
      continue;
    }
    written += frames.length;
    await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), delay(deadline - Date.now())]);
  }
  socket.destroy();
  return { bytesAccepted: written - socket.writableLength, closedByServer: closed };
}

/** (a) One request every `intervalMs` on a link of its own; latency and failures. */
async function probe(): Promise<object> {
  const conn = await connect({ host: '127.0.0.1', port, spec: echoSpec, ...tlsOptions() });
  const latencies = new LatencyRecorder();
  const failures: Record<string, number> = {};
  const sends: Promise<void>[] = [];
  const deadline = Date.now() + params.durationMs!;
  const begun = performance.now();
  /** When (ms into the run) the requests slower than 50 ms were sent. */
  const slow: number[] = [];
  let stan = 500_000;
  for (let next = performance.now(); Date.now() < deadline; next += params.intervalMs!) {
    await delay(Math.max(0, next - performance.now()));
    const started = performance.now();
    sends.push(
      conn.send(echoRequest(++stan), { timeout: 5_000 }).then(
        () => {
          const ms = performance.now() - started;
          latencies.record(ms);
          if (ms > 50) slow.push(Math.round(started - begun));
        },
        (error: unknown) => {
          const name = error instanceof Error ? error.name : 'non-error';
          failures[name] = (failures[name] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(sends);
  await conn.close();
  const [p50, p99, max] = latencies.percentiles(50, 99, 100);
  const slowSpan = slow.length === 0 ? [] : [Math.min(...slow), Math.max(...slow)];
  return {
    sent: sends.length,
    answered: latencies.count,
    failures,
    p50Ms: p50,
    p99Ms: p99,
    maxMs: max,
    slow: slow.length,
    slowSpan,
  };
}

/**
 * (b, c, d) Opens `sockets` sockets, optionally writes `bytes` on each, and records when the
 * server closes each one (ms after it was opened), watching for `watchMs`.
 */
async function holdSockets(bytes: Uint8Array | undefined): Promise<object> {
  const closedAfter: number[] = [];
  const openedAt: number[] = [];
  const opened = await Promise.all(
    Array.from({ length: params.sockets! }, async () => {
      const socket = await rawSocket();
      const at = performance.now();
      openedAt.push(epochNow());
      socket.on('error', () => undefined);
      socket.resume();
      socket.once('close', () => closedAfter.push(performance.now() - at));
      if (bytes) socket.write(bytes);
      return socket;
    }),
  );
  /** When the first and the last of them were connected (epoch ms, `epochNow`). */
  const arrival = { firstAt: Math.min(...openedAt), lastAt: Math.max(...openedAt) };
  report({ type: 'holding', ...arrival });
  const deadline = Date.now() + params.watchMs!;
  while (closedAfter.length < opened.length && Date.now() < deadline) await delay(50);
  const stillOpen = opened.filter((socket) => !socket.destroyed).length;
  for (const socket of opened) socket.destroy();
  closedAfter.sort((a, b) => a - b);
  return {
    sockets: opened.length,
    arrival,
    closed: closedAfter.length,
    stillOpen,
    closedAfterMs: closedAfter.length === 0 ? [] : [closedAfter[0], closedAfter[closedAfter.length - 1]],
    closedWithin100ms: closedAfter.filter((ms) => ms < 100).length,
  };
}

/** (c, d) Tries to get one request answered every `intervalMs`; when did the first succeed? */
async function retrier(): Promise<object> {
  const started = performance.now();
  let attempts = 0;
  const errors: Record<string, number> = {};
  const deadline = Date.now() + params.durationMs!;
  while (Date.now() < deadline) {
    attempts++;
    const attemptAt = performance.now();
    try {
      const conn = await connect({ host: '127.0.0.1', port, spec: echoSpec, connectTimeout: 1_000, ...tlsOptions() });
      try {
        await conn.send(echoRequest(1), { timeout: 1_000 });
        return { servedAfterMs: performance.now() - started, servedAt: epochNow(), attempts, errors };
      } finally {
        void conn.close();
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : 'non-error';
      errors[name] = (errors[name] ?? 0) + 1;
    }
    await delay(Math.max(0, attemptAt + params.intervalMs! - performance.now()));
  }
  return { servedAfterMs: null, attempts, errors };
}

/** (e) A full rx8583 link that answers the server's requests and sends its own, flat out. */
async function peer(): Promise<object> {
  const conn = await connect({ host: '127.0.0.1', port, spec: echoSpec, maxQueuedBytes: params.maxQueuedBytes });
  conn.inbound$.subscribe((request) => {
    if (request.mti === '0800') conn.reply(echoResponse(request)).catch(() => undefined);
  });
  const tally = new SendTally();
  await tally.driveFlatOut(conn, params.window!, params.durationMs!, (stan) => echoRequest(stan));
  // The server's own sends may still be settling: keep answering them for a moment.
  await delay(2_000);
  await conn.close();
  return tally.summary();
}

const roles: Record<string, () => Promise<object>> = {
  flood,
  probe,
  ffff30: () => holdSockets(Uint8Array.from([0xff, 0xff, 0x30])),
  silent: () => holdSockets(undefined),
  retrier,
  peer,
};

const run = roles[role];
if (run === undefined) throw new Error(`hostile-attacks: unknown role ${role}`);
run().then(
  (result) => {
    report({ type: 'result', result });
    process.exit(0);
  },
  (error: unknown) => {
    report({ type: 'result', result: { crashed: String(error) } });
    process.exit(1);
  },
);
