/**
 * `pnpm bench`: the codec benchmark, the connection benchmarks, then the end-to-end round trip next
 * to a raw framed echo, printed as tables and written as JSON to benchmarks/results/latest.json.
 * `pnpm bench codec`, `pnpm bench connection`, `pnpm bench end-to-end` `pnpm bench transactions` or
 * `pnpm bench cli` runs one part (transactions: durable journal appends, the cost of metrics$ on round trips).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCodecBench, runCodecBench } from './codec';
import { printCliBench, runCliBench } from './cli';
import { printConnectionBench, runConnectionBench } from './connection';
import { formatEndToEndBench, runEndToEndBench } from './end-to-end';
import { printTransactionsBench, runJournalBench, runMetricsBench } from './transactions';

async function main(): Promise<void> {
  const parts = process.argv.slice(2);
  const wants = (part: string) => parts.length === 0 || parts.includes(part);
  const results: Record<string, unknown> = { date: new Date().toISOString() };

  if (wants('codec')) {
    console.log('== codec: pack + unpack of a typical 0100 authorization request');
    const codec = await runCodecBench();
    console.log(formatCodecBench(codec));
    results.codec = codec;
  }
  if (wants('connection')) {
    console.log('\n== connection: 0800 echo over loopback, one connection (moov-io benchmark shape)');
    const connection = await runConnectionBench();
    printConnectionBench(connection);
    results.connection = connection;
  }
  if (wants('cli')) {
    console.log(
      '\n== cli: rx8583 load against rx8583 serve (separate processes) next to the library, 0800 echo, K = 100',
    );
    const cli = await runCliBench();
    printCliBench(cli);
    results.cli = cli;
  }

  if (wants('end-to-end')) {
    console.log('\n== end to end: new Message per request, server answers with toResponse; raw framed echo beside it');
    const endToEnd = await runEndToEndBench();
    console.log(formatEndToEndBench(endToEnd));
    results.endToEnd = endToEnd;
  }

  if (wants('transactions')) {
    console.log('\n== transactions: durable journal appends, metrics$ overhead on round trips');
    const journal = await runJournalBench();
    const metrics = await runMetricsBench();
    printTransactionsBench(journal, metrics);
    results.transactions = { journal, metrics };
  }

  const dir = join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 2));
  console.log(`\nresults written to ${join(dir, 'latest.json')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
