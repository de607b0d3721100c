/**
 * Codec benchmark: building, packing and unpacking a typical 0100 (see codec-message.ts) with
 * `spec87ascii`, next to the `iso_8583` npm package on the same message in the same run. Each
 * library is measured in a child process of its own, one after the other; each operation is warmed
 * up, then run for a fixed time several times, and the median run is reported. Every `pack` is of a
 * message built fresh from its literal (built outside the timed part for the `pack` row), so nothing
 * a message may remember between packs is measured.
 *
 *   pnpm build && node benchmarks/dist/codec.js [runMs=1000] [runs=7]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { Message, spec87ascii, unpack } from '@rx8583/iso8583';
import { TYPICAL_MTI, typicalFields, typicalIso8583Json } from './codec-message';
import { median } from './stats';

const WORKER_FLAG = '--codec-worker';

/** The `iso_8583` package has no types: the part of its API we use. */
interface Iso8583Instance {
  getRawMessage(): Buffer | { error: string };
  getIsoJSON(buffer: Buffer, config: { lenHeader: boolean }): Record<string, string> | { error: string };
}
type Iso8583Constructor = new (message?: Record<string, string>) => Iso8583Instance;

/**
 * The operations measured. `build` makes the message from its literal (`new Message(spec, { mti,
 * fields })`, every value checked); `pack` packs a message built fresh for it. rx8583's `unpack`
 * checks every byte and builds each value when it is first read, so `+read` also reads every field
 * (and every EMV element) back — the cost of a consumer that looks at all of it, as `iso_8583`'s
 * unpack always builds everything — and `+route` reads what a router reads: the MTI, 11 and 41.
 */
export const CODEC_OPERATIONS = [
  'build',
  'pack',
  'unpack',
  'unpack+read',
  'pack+unpack',
  'build+pack+unpack+read',
  'build+pack+unpack+route',
] as const;
export type CodecOperation = (typeof CODEC_OPERATIONS)[number];

export interface CodecBenchRow {
  library: 'rx8583' | 'iso_8583';
  operation: CodecOperation;
  /** Median over the runs. */
  opsPerSecond: number;
  /** Microseconds per operation, from the median run. */
  microsPerOp: number;
  /** Microseconds per operation in the fastest run: on a shared machine, the least disturbed one. */
  bestMicrosPerOp: number;
  /**
   * CPU microseconds per operation (process user + system time, median run): what the work costs
   * whatever else the machine runs, as long as it does not slow the CPU itself.
   */
  cpuMicrosPerOp: number;
}

export interface CodecBenchResult {
  /** The message: data fields and packed size for each library. */
  message: { fields: number; bytes: { rx8583: number; iso_8583: number } };
  machine: { cpu: string; cores: number; node: string; platform: string };
  options: { runMs: number; runs: number };
  rows: CodecBenchRow[];
  /** How many times faster rx8583 is, per operation (iso_8583 CPU µs / rx8583 CPU µs). */
  speedup: Record<CodecOperation, number>;
}

export interface CodecBenchOptions {
  /** How long each measured run lasts, in milliseconds (default 1000). */
  runMs?: number;
  /** Measured runs per operation; the median is reported (default 7). */
  runs?: number;
}

interface Measurement {
  opsPerSecond: number;
  microsPerOp: number;
  bestMicrosPerOp: number;
  cpuMicrosPerOp: number;
}

const BATCH = 1000;

/** An operation on the i-th input of a batch that `prepare` (untimed) made, or on nothing. */
interface Operation {
  run(i: number): unknown;
  /** Makes the inputs of the next batch of {@link BATCH} calls, outside the timed part. */
  prepare?(): void;
}

/**
 * Calls `op` in batches until `ms` of timed work have passed; returns operations per second of
 * wall time and CPU microseconds per operation.
 */
function timedRun(op: Operation, ms: number): { rate: number; cpuMicros: number } {
  let count = 0;
  let timed = 0n;
  let cpu = 0;
  const budget = BigInt(ms) * 1_000_000n;
  while (timed < budget) {
    op.prepare?.();
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) op.run(i);
    timed += process.hrtime.bigint() - started;
    const used = process.cpuUsage(cpuBefore);
    cpu += used.user + used.system;
    count += BATCH;
  }
  return { rate: count / (Number(timed) / 1e9), cpuMicros: cpu / count };
}

/** An operation without inputs. */
const plain = (run: () => unknown): Operation => ({ run });

/** An operation on fresh inputs: `make` is called untimed for each call of the next batch. */
function onFresh<T>(make: () => T, run: (input: T) => unknown): Operation {
  const inputs = new Array<T>(BATCH);
  return {
    prepare: () => {
      for (let i = 0; i < BATCH; i++) inputs[i] = make();
    },
    run: (i) => run(inputs[i]!),
  };
}

function measure(op: Operation, runMs: number, runs: number): Measurement {
  timedRun(op, runMs); // warm-up: let V8 optimise before anything counts
  const measured = Array.from({ length: runs }, () => timedRun(op, runMs));
  const rates = measured.map((m) => m.rate);
  const opsPerSecond = median(rates);
  return {
    opsPerSecond,
    microsPerOp: 1e6 / opsPerSecond,
    bestMicrosPerOp: 1e6 / Math.max(...rates),
    cpuMicrosPerOp: median(measured.map((m) => m.cpuMicros)),
  };
}

function checked<T>(result: T | { error: string }): T {
  if (typeof result === 'object' && result !== null && 'error' in result) throw new Error(`iso_8583: ${result.error}`);
  return result as T;
}

type Library = 'rx8583' | 'iso_8583';
type Measured = Record<CodecOperation, Measurement>;
interface WorkerReport {
  bytes: number;
  fields: number;
  measured: Measured;
}

/** The operations of one library on the typical 0100, checked to round-trip before anything is timed. */
function operationsOf(library: Library): {
  bytes: number;
  fields: number;
  operations: Record<CodecOperation, Operation>;
} {
  if (library === 'rx8583') {
    const build = () => new Message(spec87ascii, { mti: TYPICAL_MTI, fields: typicalFields });
    const bytes = build().pack();
    const fields = unpack(spec87ascii, bytes).fieldNumbers().length;
    return {
      bytes: bytes.length,
      fields,
      operations: {
        build: plain(build),
        pack: onFresh(build, (message) => message.pack()),
        unpack: plain(() => unpack(spec87ascii, bytes)),
        'unpack+read': plain(() => readEveryField(unpack(spec87ascii, bytes))),
        'pack+unpack': onFresh(build, (message) => unpack(spec87ascii, message.pack())),
        'build+pack+unpack+read': plain(() => readEveryField(unpack(spec87ascii, build().pack()))),
        'build+pack+unpack+route': plain(() => readRoute(unpack(spec87ascii, build().pack()))),
      },
    };
  }
  // Loaded only here: the package has no types, and only the comparison run needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Iso8583 = require('iso_8583') as Iso8583Constructor;
  // Its messages are built from a JSON object of the caller's: a fresh copy each time, as a caller would.
  const build = () => new Iso8583({ ...typicalIso8583Json });
  const bytes = checked(build().getRawMessage());
  const fields = Object.keys(checked(new Iso8583().getIsoJSON(bytes, { lenHeader: false }))).length - 1;
  const unpackJson = (raw: Buffer) => new Iso8583().getIsoJSON(raw, { lenHeader: false });
  return {
    bytes: bytes.length,
    fields,
    operations: {
      build: plain(build),
      pack: onFresh(build, (message) => message.getRawMessage()),
      unpack: plain(() => unpackJson(bytes)),
      'unpack+read': plain(() => readEveryJsonField(unpackJson(bytes))),
      'pack+unpack': onFresh(build, (message) => unpackJson(message.getRawMessage() as Buffer)),
      'build+pack+unpack+read': plain(() => readEveryJsonField(unpackJson(build().getRawMessage() as Buffer))),
      'build+pack+unpack+route': plain(() => readJsonRoute(unpackJson(build().getRawMessage() as Buffer))),
    },
  };
}

/** Reads every value of a message, the elements of composites included; returns a count so nothing is optimised away. */
function readEveryField(message: Message): number {
  let seen = message.mti.length;
  for (const n of message.fieldNumbers()) {
    const value = message.get(n)!;
    seen += Array.isArray(value)
      ? value.reduce((sum, element) => sum + (element.value as Uint8Array).length, 0)
      : (value as string | Uint8Array).length;
  }
  return seen;
}

/** Reads what a router or a response matcher reads: the MTI, the STAN and the terminal id. */
function readRoute(message: Message): number {
  return message.mti.length + (message.get(11) as string).length + (message.get(41) as string).length;
}

function readJsonRoute(json: Record<string, string> | { error: string }): number {
  const fields = json as Record<string, string>;
  return fields['0']!.length + fields['11']!.length + fields['41']!.length;
}

function readEveryJsonField(json: Record<string, string> | { error: string }): number {
  let seen = 0;
  for (const value of Object.values(json)) seen += (value as string).length;
  return seen;
}

function measureLibrary(library: Library, runMs: number, runs: number): WorkerReport {
  const { bytes, fields, operations } = operationsOf(library);
  if (fields !== 20) throw new Error(`${library} did not round-trip the 20 fields of the message (got ${fields})`);
  const measured = {} as Measured;
  for (const operation of CODEC_OPERATIONS) measured[operation] = measure(operations[operation], runMs, runs);
  return { bytes, fields, measured };
}

/**
 * Measures one library in a child process of its own, so that neither library's JIT state, garbage
 * or heap size weighs on the other's numbers. The libraries run one after the other.
 */
async function measureInChild(library: Library, runMs: number, runs: number): Promise<WorkerReport> {
  const child = fork(__filename, [WORKER_FLAG, library, String(runMs), String(runs)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [report] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) =>
      Promise.reject(new Error(`codec bench worker for ${library} exited with ${String(code)}`)),
    ),
  ])) as [WorkerReport];
  await once(child, 'exit');
  return report;
}

/** Runs the codec benchmark and returns its numbers. */
export async function runCodecBench(options: CodecBenchOptions = {}): Promise<CodecBenchResult> {
  const runMs = options.runMs ?? 1000;
  const runs = options.runs ?? 7;
  if (!Number.isInteger(runMs) || runMs <= 0) throw new RangeError('runCodecBench: runMs must be a positive integer');
  if (!Number.isInteger(runs) || runs <= 0) throw new RangeError('runCodecBench: runs must be a positive integer');
  const ours = await measureInChild('rx8583', runMs, runs);
  const theirs = await measureInChild('iso_8583', runMs, runs);
  const rows: CodecBenchRow[] = [];
  const speedup = {} as Record<CodecOperation, number>;
  for (const operation of CODEC_OPERATIONS) {
    rows.push({ library: 'rx8583', operation, ...ours.measured[operation] });
    rows.push({ library: 'iso_8583', operation, ...theirs.measured[operation] });
    speedup[operation] = theirs.measured[operation].cpuMicrosPerOp / ours.measured[operation].cpuMicrosPerOp;
  }
  return {
    message: { fields: ours.fields, bytes: { rx8583: ours.bytes, iso_8583: theirs.bytes } },
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    options: { runMs, runs },
    rows,
    speedup,
  };
}

/** Renders the result as a Markdown table. */
export function formatCodecBench(result: CodecBenchResult): string {
  const lines = [
    `Typical 0100: ${result.message.fields} data fields; rx8583 ${result.message.bytes.rx8583} bytes, iso_8583 ${result.message.bytes.iso_8583} bytes`,
    `${result.machine.cpu} × ${result.machine.cores}, Node ${result.machine.node}, ${result.machine.platform}; median of ${result.options.runs} runs of ${result.options.runMs} ms`,
    '',
    '| operation | rx8583 µs/op (best run) | rx8583 CPU µs/op | iso_8583 µs/op (best run) | iso_8583 CPU µs/op | speed-up (CPU) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const operation of CODEC_OPERATIONS) {
    const ours = result.rows.find((r) => r.library === 'rx8583' && r.operation === operation)!;
    const theirs = result.rows.find((r) => r.library === 'iso_8583' && r.operation === operation)!;
    lines.push(
      `| ${operation} | ${ours.microsPerOp.toFixed(2)} (${ours.bestMicrosPerOp.toFixed(2)}) | ${ours.cpuMicrosPerOp.toFixed(2)} | ` +
        `${theirs.microsPerOp.toFixed(2)} (${theirs.bestMicrosPerOp.toFixed(2)}) | ${theirs.cpuMicrosPerOp.toFixed(2)} | ` +
        `${result.speedup[operation].toFixed(1)}× |`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  if (process.argv[2] === WORKER_FLAG) {
    const [library, runMs, runs] = process.argv.slice(3);
    process.send!(measureLibrary(library as Library, Number(runMs), Number(runs)));
  } else {
    const [runMs, runs] = process.argv.slice(2).map(Number);
    runCodecBench({ runMs: runMs || undefined, runs: runs || undefined }).then(
      (result) => console.log(formatCodecBench(result)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
