/**
 * End-to-end benchmark: an application-shaped round trip next to a raw framed echo, in one run.
 *
 * - rx8583: a client that builds a new `Message` for every request (a 0100 of 12 fields, ~115
 *   bytes), `send`s it and waits for the answer, K of them in flight on one connection; a server in a
 *   child process that answers each request with `request.toResponse({ 38, 39 })` through `serve`.
 * - raw: the same shape without a codec, written the plain way — 100-byte frames behind a 2-byte
 *   length, one `socket.write` a frame on both sides (Node batches what queues up behind a pending
 *   write), echoed by a child process, K in flight, the client matching answers in order.
 * - raw-batched: the raw echo written the way a tuned server would be — the client sends the frames
 *   queued in one tick with one `socket.write`, the server echoes all complete frames of a chunk with
 *   one `socket.write`. It is the stronger baseline (rx8583 batches its writes the same way), so the
 *   ratio against it is the honest one.
 *
 * The two alternate, a few runs each, in separate processes for client and server; the table gives
 * the median run of each and the ratio.
 *
 *   pnpm build && node benchmarks/dist/end-to-end.js [durationMs=3000] [runs=3] [inFlight=100]
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect, createServer } from '@rx8583/connection';
import { Message, spec87ascii } from '@rx8583/iso8583';
import { answerCpuQueries, forkServer, type ChildServer } from './child-server';
import { LatencyRecorder } from './latency-recorder';

const SERVER_FLAG = '--end-to-end-server';
const RAW_FRAME = 100;

export type EndToEndShape = 'rx8583' | 'raw' | 'raw-batched';

export interface EndToEndRun {
  shape: EndToEndShape;
  roundTripsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU microseconds per round trip in the client process and in the server process (user + system). */
  clientCpuMicros: number;
  serverCpuMicros: number;
}

export interface EndToEndResult {
  options: { durationMs: number; runs: number; inFlight: number };
  runs: EndToEndRun[];
  /** The median run of each shape. */
  median: Record<EndToEndShape, EndToEndRun>;
  /** rx8583 round trips per second over the raw echo's (medians). */
  ratio: number;
  /** rx8583 round trips per second over the batched raw echo's (medians). */
  ratioBatched: number;
}

let stan = 0;

/** The request the client builds for every round trip: a new message from its literal. */
function authorization(): Message {
  stan = (stan % 999_999) + 1;
  return new Message(spec87ascii, {
    mti: '0100',
    fields: {
      2: '4761739001010119',
      3: '000000',
      4: 1500 + (stan % 100),
      7: '1201120000',
      11: stan,
      12: '120000',
      13: '1201',
      22: '051',
      25: '00',
      41: 'TERM0001',
      42: 'MERCHANT0000001',
      49: '978',
    },
  });
}

/** The child process: answers with toResponse (rx8583) or echoes frames (raw); reports its port. */
async function startServer(shape: EndToEndShape): Promise<{ port: number; close(): Promise<void> }> {
  if (shape === 'rx8583') {
    const server = createServer({ spec: spec87ascii, idleTime: 60_000 });
    server.serve((request) => request.toResponse({ 38: 'A1B2C3', 39: '00' }));
    const { port } = await server.listen(0, '127.0.0.1');
    return { port, close: () => server.close() };
  }
  const batched = shape === 'raw-batched';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      while (at + 2 <= pending.length && at + 2 + pending.readUInt16BE(at) <= pending.length) {
        const end = at + 2 + pending.readUInt16BE(at);
        if (!batched) socket.write(pending.subarray(at, end));
        at = end;
      }
      if (batched && at > 0) socket.write(pending.subarray(0, at));
      pending = pending.subarray(at);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** K senders, each sending one request after the other for `durationMs`; CPU time of both processes per round trip. */
async function drive(send: () => Promise<unknown>, inFlight: number, durationMs: number, server: ChildServer) {
  const serverBefore = await server.cpuMicros();
  const clientBefore = process.cpuUsage();
  const latencies = new LatencyRecorder();
  const started = performance.now();
  const deadline = started + durationMs;
  const sender = async () => {
    for (let t0 = performance.now(); t0 < deadline;) {
      await send();
      const t1 = performance.now();
      latencies.record(t1 - t0);
      t0 = t1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, sender));
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const serverMicros = (await server.cpuMicros()) - serverBefore;
  const [p50Ms, p99Ms] = latencies.percentiles(50, 99);
  return {
    roundTripsPerSecond: latencies.count / seconds,
    p50Ms: p50Ms!,
    p99Ms: p99Ms!,
    clientCpuMicros: (client.user + client.system) / latencies.count,
    serverCpuMicros: serverMicros / latencies.count,
  };
}

async function runRx8583(server: ChildServer, inFlight: number, durationMs: number) {
  const conn = await connect({ host: '127.0.0.1', port: server.port, spec: spec87ascii, idleTime: 60_000 });
  try {
    const send = () => conn.send(authorization());
    await drive(send, inFlight, Math.min(1000, durationMs), server); // warm-up: JIT and socket buffers
    return await drive(send, inFlight, durationMs, server);
  } finally {
    await conn.close();
  }
}

/** A raw client: one write a frame (or, batched, one write a tick), answers matched to requests in order. */
async function runRaw(server: ChildServer, inFlight: number, durationMs: number, batched: boolean) {
  const socket = net.connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setNoDelay(true);
  const waiting: Array<() => void> = [];
  let head = 0;
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (at + 2 <= pending.length && at + 2 + pending.readUInt16BE(at) <= pending.length) {
      at += 2 + pending.readUInt16BE(at);
      waiting[head++]!();
      if (head > 4096) {
        waiting.splice(0, head);
        head = 0;
      }
    }
    pending = pending.subarray(at);
  });
  const frame = Buffer.alloc(RAW_FRAME, 0x30);
  frame.writeUInt16BE(RAW_FRAME - 2, 0);
  let queued: Buffer[] = [];
  const flush = () => {
    socket.write(queued.length === 1 ? queued[0]! : Buffer.concat(queued));
    queued = [];
  };
  const send = () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!batched) {
        socket.write(frame);
        return;
      }
      // Senders resumed by one chunk's answers all run before the next tick: one write carries them.
      if (queued.push(frame) === 1) process.nextTick(flush);
    });
  try {
    await drive(send, inFlight, Math.min(1000, durationMs), server);
    return await drive(send, inFlight, durationMs, server);
  } finally {
    socket.destroy();
  }
}

async function runOnce(shape: EndToEndShape, inFlight: number, durationMs: number): Promise<EndToEndRun> {
  const server = await forkServer(__filename, [SERVER_FLAG, shape]);
  try {
    const measured =
      shape === 'rx8583'
        ? await runRx8583(server, inFlight, durationMs)
        : await runRaw(server, inFlight, durationMs, shape === 'raw-batched');
    return { shape, ...measured };
  } finally {
    await server.stop();
  }
}

export interface EndToEndOptions {
  /** How long each measured run lasts (default 3000 ms; each run has a 1 s warm-up before it). */
  durationMs?: number;
  /** Runs of each shape, alternating (default 3). */
  runs?: number;
  /** Requests in flight (default 100). */
  inFlight?: number;
}

/** Runs the raw echo and the rx8583 round trip alternately and returns every run and the medians. */
export async function runEndToEndBench(options: EndToEndOptions = {}): Promise<EndToEndResult> {
  const { durationMs = 3000, runs = 3, inFlight = 100 } = options;
  const all: EndToEndRun[] = [];
  for (let i = 0; i < runs; i++) {
    all.push(await runOnce('raw', inFlight, durationMs));
    all.push(await runOnce('raw-batched', inFlight, durationMs));
    all.push(await runOnce('rx8583', inFlight, durationMs));
  }
  const medianOf = (shape: EndToEndShape) => {
    const sorted = all.filter((r) => r.shape === shape).sort((a, b) => a.roundTripsPerSecond - b.roundTripsPerSecond);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const median = { raw: medianOf('raw'), 'raw-batched': medianOf('raw-batched'), rx8583: medianOf('rx8583') };
  return {
    options: { durationMs, runs, inFlight },
    runs: all,
    median,
    ratio: median.rx8583.roundTripsPerSecond / median.raw.roundTripsPerSecond,
    ratioBatched: median.rx8583.roundTripsPerSecond / median['raw-batched'].roundTripsPerSecond,
  };
}

/** Renders the result as a Markdown table (every run, then the medians). */
export function formatEndToEndBench(result: EndToEndResult): string {
  const { durationMs, runs, inFlight } = result.options;
  const row = (r: EndToEndRun, label: string) =>
    `| ${label} | ${Math.round(r.roundTripsPerSecond).toLocaleString('en-US')} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ` +
    `${r.clientCpuMicros.toFixed(2)} | ${r.serverCpuMicros.toFixed(2)} |`;
  return [
    `${inFlight} in flight on one connection, server in a child process; ${runs} runs of ${durationMs} ms each, alternating`,
    '',
    '| run | round trips/s | p50 ms | p99 ms | client CPU µs/rt | server CPU µs/rt |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...result.runs.map((r, i) => row(r, `${r.shape} #${Math.floor(i / 3) + 1}`)),
    row(result.median.raw, '**raw echo, median**'),
    row(result.median['raw-batched'], '**raw echo batched, median**'),
    row(result.median.rx8583, '**rx8583 build + toResponse, median**'),
    '',
    `rx8583 / raw: ${result.ratio.toFixed(2)}×; rx8583 / raw batched: ${result.ratioBatched.toFixed(2)}×`,
  ].join('\n');
}

if (require.main === module) {
  if (process.argv[2] === SERVER_FLAG) {
    void startServer(process.argv[3] as EndToEndShape).then(({ port, close }) => {
      answerCpuQueries();
      process.send!({ port });
      process.on('disconnect', () => void close().then(() => process.exit(0)));
    });
  } else {
    const [durationMs, runs, inFlight] = process.argv.slice(2).map(Number);
    runEndToEndBench({
      durationMs: durationMs || undefined,
      runs: runs || undefined,
      inFlight: inFlight || undefined,
    }).then(
      (result) => console.log(formatEndToEndBench(result)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
