/**
 * Header benchmark: the cost of a 5-byte TPDU written and read by rx8583's hand-written `tpdu` next to
 * the same header declared with `@solana/buffer-layout` (`struct([u8, u16be, u16be])`), alone and
 * inside a whole `framing.withHeader(framing.binary2(), ...)` frame (encode + decode of a 60-byte
 * body). Why `withHeader` needs no layout library: docs/framing.md.
 *
 *   pnpm build && node benchmarks/dist/header-layout.js [runMs=500] [runs=7]
 */
import { struct, u8, u16be } from '@solana/buffer-layout';
import { cpus } from 'node:os';
import { framing, tpdu, type HeaderLayout, type Tpdu } from '@rx8583/connection';

const libraryTpdu: HeaderLayout<Tpdu> = struct<Tpdu>([u8('id'), u16be('destination'), u16be('source')], 'tpdu');
const header: Tpdu = { id: 0x60, destination: 0x0001, source: 0x0203 };
const body = new Uint8Array(60).fill(0x30);

type Operation = (layout: HeaderLayout<Tpdu>) => () => unknown;

const operations: Record<string, Operation> = {
  'header encode': (layout) => {
    const target = new Uint8Array(5);
    return () => layout.encode(header, target, 0);
  },
  'header decode': (layout) => {
    const source = new Uint8Array(5);
    layout.encode(header, source, 0);
    return () => layout.decode(source, 0);
  },
  'frame encode+decode': (layout) => {
    const nac = framing.withHeader(framing.binary2(), layout, { defaultHeader: header });
    const decoder = nac.decoder();
    return () => decoder.push(nac.encode(body));
  },
};

/** Nanoseconds per call of `run`: the median of `runs` timed runs of `runMs` each, after a warm-up. */
function measure(run: () => unknown, runMs: number, runs: number): number {
  let sink: unknown;
  for (let i = 0; i < 200_000; i++) sink = run();
  const results: number[] = [];
  for (let r = 0; r < runs; r++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < runMs) {
      for (let i = 0; i < 10_000; i++) sink = run();
      calls += 10_000;
      elapsed = performance.now() - start;
    }
    results.push((elapsed * 1e6) / calls);
  }
  if (sink === Symbol.for('never')) console.log(sink); // keeps the calls observable to the optimiser
  return results.sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
}

function main(): void {
  const runMs = Number(process.argv[2] ?? 500);
  const runs = Number(process.argv[3] ?? 7);
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  console.log('| operation | hand-written tpdu | @solana/buffer-layout struct | ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, operation] of Object.entries(operations)) {
    const ours = measure(operation(tpdu), runMs, runs);
    const theirs = measure(operation(libraryTpdu), runMs, runs);
    console.log(`| ${name} | ${ours.toFixed(0)} ns | ${theirs.toFixed(0)} ns | ${(theirs / ours).toFixed(1)}× |`);
  }
}

main();
