/**
 * Codec benchmark: pack, unpack, and pack + unpack of a typical 0100 (see codec-message.ts) with
 * `spec87ascii`, next to the `iso_8583` npm package on the same message in the same run. Each
 * operation is warmed up, then run for a fixed time several times; the median run is reported.
 *
 *   pnpm build && node benchmarks/dist/codec.js [runMs=1000] [runs=7]
 */
import { cpus } from 'node:os';
import { Message, spec87ascii, unpack } from '@rx8583/iso8583';
import { TYPICAL_MTI, typicalFields, typicalIso8583Json } from './codec-message';

/** The `iso_8583` package has no types: the part of its API we use. */
interface Iso8583Instance {
  getRawMessage(): Buffer | { error: string };
  getIsoJSON(buffer: Buffer, config: { lenHeader: boolean }): Record<string, string> | { error: string };
}
type Iso8583Constructor = new (message?: Record<string, string>) => Iso8583Instance;

export type CodecOperation = 'pack' | 'unpack' | 'pack+unpack';

export interface CodecBenchRow {
  library: 'rx8583' | 'iso_8583';
  operation: CodecOperation;
  /** Median over the runs. */
  opsPerSecond: number;
  /** Microseconds per operation, from the median run. */
  microsPerOp: number;
}

export interface CodecBenchResult {
  /** The message: data fields and packed size for each library. */
  message: { fields: number; bytes: { rx8583: number; iso_8583: number } };
  machine: { cpu: string; cores: number; node: string; platform: string };
  options: { runMs: number; runs: number };
  rows: CodecBenchRow[];
  /** How many times faster rx8583 is, per operation (iso_8583 µs / rx8583 µs). */
  speedup: Record<CodecOperation, number>;
}

export interface CodecBenchOptions {
  /** How long each measured run lasts, in milliseconds (default 1000). */
  runMs?: number;
  /** Measured runs per operation; the median is reported (default 7). */
  runs?: number;
}

/** Calls `op` in batches until `ms` have passed; returns operations per second. */
function timedRun(op: () => unknown, ms: number): number {
  const batch = 1000;
  let count = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(ms) * 1_000_000n;
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) op();
    count += batch;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - started) / 1e9);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(op: () => unknown, runMs: number, runs: number): { opsPerSecond: number; microsPerOp: number } {
  timedRun(op, runMs); // warm-up: let V8 optimise before anything counts
  const opsPerSecond = median(Array.from({ length: runs }, () => timedRun(op, runMs)));
  return { opsPerSecond, microsPerOp: 1e6 / opsPerSecond };
}

function checked<T>(result: T | { error: string }): T {
  if (typeof result === 'object' && result !== null && 'error' in result) throw new Error(`iso_8583: ${result.error}`);
  return result as T;
}

/** Runs the codec benchmark and returns its numbers. */
export async function runCodecBench(options: CodecBenchOptions = {}): Promise<CodecBenchResult> {
  const runMs = options.runMs ?? 1000;
  const runs = options.runs ?? 7;
  if (!Number.isInteger(runMs) || runMs <= 0) throw new RangeError('runCodecBench: runMs must be a positive integer');
  if (!Number.isInteger(runs) || runs <= 0) throw new RangeError('runCodecBench: runs must be a positive integer');
  const Iso8583 = require('iso_8583') as Iso8583Constructor;

  const message = new Message(spec87ascii, { mti: TYPICAL_MTI, fields: typicalFields });
  const ours = message.pack();
  const theirs = checked(new Iso8583(typicalIso8583Json).getRawMessage());
  // Both must really round-trip the message, or the comparison means nothing.
  if (unpack(spec87ascii, ours).fieldNumbers().length !== 20) throw new Error('rx8583 did not round-trip the message');
  if (Object.keys(checked(new Iso8583().getIsoJSON(theirs, { lenHeader: false }))).length !== 21) throw new Error('iso_8583 did not round-trip the message');

  const operations: Record<'rx8583' | 'iso_8583', Record<CodecOperation, () => unknown>> = {
    rx8583: {
      pack: () => message.pack(),
      unpack: () => unpack(spec87ascii, ours),
      'pack+unpack': () => unpack(spec87ascii, message.pack()),
    },
    iso_8583: {
      pack: () => new Iso8583(typicalIso8583Json).getRawMessage(),
      unpack: () => new Iso8583().getIsoJSON(theirs, { lenHeader: false }),
      'pack+unpack': () => new Iso8583().getIsoJSON(new Iso8583(typicalIso8583Json).getRawMessage() as Buffer, { lenHeader: false }),
    },
  };
  const rows: CodecBenchRow[] = [];
  for (const operation of ['pack', 'unpack', 'pack+unpack'] as const) {
    for (const library of ['rx8583', 'iso_8583'] as const) {
      rows.push({ library, operation, ...measure(operations[library][operation], runMs, runs) });
    }
  }
  const micros = (library: string, operation: CodecOperation) => rows.find((r) => r.library === library && r.operation === operation)!.microsPerOp;
  const speedup = Object.fromEntries(
    (['pack', 'unpack', 'pack+unpack'] as const).map((op) => [op, micros('iso_8583', op) / micros('rx8583', op)]),
  ) as Record<CodecOperation, number>;
  return {
    message: { fields: message.fieldNumbers().length, bytes: { rx8583: ours.length, iso_8583: theirs.length } },
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` },
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
    '| operation | rx8583 ops/s | rx8583 µs/op | iso_8583 ops/s | iso_8583 µs/op | speed-up |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const operation of ['pack', 'unpack', 'pack+unpack'] as const) {
    const ours = result.rows.find((r) => r.library === 'rx8583' && r.operation === operation)!;
    const theirs = result.rows.find((r) => r.library === 'iso_8583' && r.operation === operation)!;
    lines.push(
      `| ${operation} | ${Math.round(ours.opsPerSecond).toLocaleString('en-US')} | ${ours.microsPerOp.toFixed(2)} | ` +
        `${Math.round(theirs.opsPerSecond).toLocaleString('en-US')} | ${theirs.microsPerOp.toFixed(2)} | ${result.speedup[operation].toFixed(1)}× |`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  const [runMs, runs] = process.argv.slice(2).map(Number);
  runCodecBench({ runMs: runMs || undefined, runs: runs || undefined }).then(
    (result) => console.log(formatCodecBench(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
