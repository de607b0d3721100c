/**
 * The process the crash test kills: `enqueue <dir> <port> <count>` queues advices (printing `ok
 * <stan>` as each enqueue resolves) to a host that does not answer; `deliver <dir> <port>` reopens
 * the store after the kill and delivers everything, printing `drained` when the store is empty.
 * Meanwhile it sends 0100s that time out, printing `rev <stan>` once each one's 0420 is stored.
 * Also prints `stan <n>` for every STAN it issued, so the test can check none repeats.
 */
import { createPool } from '@rx8583/connection';
import { spec87ascii } from '@rx8583/iso8583';
import * as path from 'node:path';
import { createAutoReversal, createStoreAndForward, openJournalStore, openStanGenerator } from '../../src/index';
import { TEST_KEY, cardMessage, linkTo } from './host';

async function main(): Promise<void> {
  const [mode, dir, portText, countText] = process.argv.slice(2);
  const port = Number(portText);
  const stans = await openStanGenerator({ file: path.join(dir!, 'stan'), blockSize: 50 });
  const pool = createPool({
    addresses: [`127.0.0.1:${port}`],
    connection: () => linkTo(port),
    minConnections: 0,
    reconnect: { initial: 20, max: 100, jitter: 0 },
  });
  void pool.connect();
  const saf = createStoreAndForward({
    store: await openJournalStore({ path: path.join(dir!, 'saf.journal'), compactAfter: 200 }),
    spec: spec87ascii,
    cardData: { key: TEST_KEY },
    // Never park: the host is silent for as long as the first process lives, and with the default
    // 10 attempts (~1.4 s at these timings) a loaded machine parked the head entry before the kill,
    // so it was never delivered. Parking has its own tests in store-and-forward.test.ts.
    destinations: {
      host: { target: pool, responseTimeout: 100, retry: { initial: 20, max: 50, jitter: 0 }, maxAttempts: Infinity },
      reversals: {
        target: pool,
        responseTimeout: 100,
        retry: { initial: 20, max: 50, jitter: 0 },
        maxAttempts: Infinity,
      },
    },
  });
  const reversals = createAutoReversal({ saf, destination: 'reversals', mti: '0420' });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (mode === 'enqueue') {
    const count = Number(countText);
    // Authorizations that time out, each reversed (0420) before its failure is reported.
    void (async () => {
      for (;;) {
        const stan = stans.next();
        out(`stan ${stan}`);
        const link = await pool.get().catch(() => undefined);
        if (link === undefined) continue;
        await reversals.send(link, cardMessage('0100', stan), { timeout: 30 }).catch(() => out(`rev ${stan}`));
      }
    })();
    // The last 100 wait for a `go` line on stdin that the crash test never sends, so the kill always
    // lands part-way; before them, batches of 20 concurrent enqueues every 10 ms.
    const go = new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
    for (let i = 0; i < count; i += 20) {
      if (i >= count - 100) await go;
      await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.all(
        Array.from({ length: Math.min(20, count - i) }, async () => {
          const stan = stans.next();
          out(`stan ${stan}`);
          await saf.enqueue('host', cardMessage('0220', stan));
          out(`ok ${stan}`);
        }),
      );
    }
    out('enqueued');
  } else {
    for (let i = 0; i < 20; i++) out(`stan ${stans.next()}`);
    const drained = () => saf.store.pending('host').length + saf.store.pending('reversals').length === 0;
    await new Promise<void>((resolve) => {
      if (drained()) return resolve();
      saf.events$.subscribe((e) => e.type === 'delivered' && drained() && resolve());
    });
    reversals.close();
    await saf.close();
    await pool.close();
    await stans.close();
    out('drained');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-child failed: ${String(error)}\n`);
  process.exit(2);
});
