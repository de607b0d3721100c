/**
 * One link, many round trips, a flat heap: 100 concurrent senders push `roundTrips` 0800 echoes
 * over one connection to an echo server in a child process. The heap (heapUsed + external, after a
 * forced GC) is taken after a warm-up and at the end; the run fails when it grew by more than 20 %
 * or when any send failed.
 *
 *   pnpm build && node --expose-gc benchmarks/dist/link-soak.js [roundTrips=1000000] [senders=100]
 */
import { performance } from 'node:perf_hooks';
import { connect } from '@rx8583/connection';
import { startTarget } from './connection';
import { echoRequest, echoSpec } from './echo-spec';
import { heapAfterGc } from './stats';

const heapMiB = () => heapAfterGc() / 2 ** 20;

async function main(): Promise<void> {
  heapAfterGc(); // fails at once without --expose-gc
  const total = Number(process.argv[2] ?? 1_000_000);
  const senders = Number(process.argv[3] ?? 100);
  const target = await startTarget('child-process');
  const conn = await connect({ host: '127.0.0.1', port: target.port, spec: echoSpec, idleTime: 60_000 });
  let stan = 0;
  let failures = 0;
  const run = async (count: number): Promise<void> => {
    let left = count;
    const sender = async (): Promise<void> => {
      while (left > 0) {
        left--;
        stan = (stan % 999_999) + 1;
        await conn.send(echoRequest(stan)).catch(() => failures++);
      }
    };
    await Promise.all(Array.from({ length: senders }, sender));
  };
  await run(20_000); // warm-up: JIT, socket buffers, pending-table size
  const before = heapMiB();
  const started = performance.now();
  await run(total);
  const seconds = (performance.now() - started) / 1000;
  const after = heapMiB();
  await conn.close();
  await target.stop();
  const growth = (after / before - 1) * 100;
  console.log(
    `${total} round trips in ${seconds.toFixed(1)} s (${Math.round(total / seconds)}/s), failures ${failures}; ` +
      `heapUsed+external ${before.toFixed(1)} -> ${after.toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %)`,
  );
  if (failures > 0 || growth > 20) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
