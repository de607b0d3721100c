/**
 * A worked acquirer (docs/transactions.md): links to the host through a pool with sign-on,
 * authorizations with automatic reversal, completion advices through durable store-and-forward,
 * STANs that survive restarts, metrics for Prometheus. A host stand-in runs in this process on
 * 127.0.0.1 so the program runs as it is: `node examples/dist/acquirer.js`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, createServer, type Connection } from '@rx8583/connection';
import { Message, spec87ascii } from '@rx8583/iso8583';
import {
  createAutoReversal,
  createStoreAndForward,
  localTransactionTime,
  metrics$,
  openJournalStore,
  openStanGenerator,
  transmissionDateTime,
} from '@rx8583/transactions';
import { exposePrometheusMetrics } from '@rx8583/transactions/prometheus';
import { Registry } from 'prom-client';
import { filter, firstValueFrom, share } from 'rxjs';

const TIME_ZONE = 'Europe/Berlin'; // the card acceptor's

/** The host stand-in: approves everything, except that it never answers one authorization. */
async function startHost(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer({ spec: spec87ascii });
  server.serve((request) => {
    if (request.mti === '0100' && request.get(4) === '000000099999') return undefined; // silence: it times out
    return request.toResponse({ 39: '00' });
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, close: () => server.close() };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acquirer-')); // in production: /var/lib/acquirer
  const host = await startHost();

  // 1. STANs that never repeat after a restart (one disk write per 1 000 numbers).
  const stans = await openStanGenerator({ file: join(dataDir, 'stan') });

  // 2. Links with sign-on: the pool hands out only links whose 0800/0810 succeeded.
  const signOn = async (conn: Connection) => {
    const at = new Date();
    const request = new Message(spec87ascii, {
      mti: '0800',
      fields: { 7: transmissionDateTime(at), 11: stans.next(), 70: '001' },
    });
    conn.status = (await conn.send(request)).get(39) === '00' ? 'online' : 'offline';
  };
  const pool = createPool({
    addresses: [`127.0.0.1:${host.port}`, `127.0.0.1:${host.port}`],
    connection: (address) => ({
      host: address.split(':')[0]!,
      port: Number(address.split(':')[1]),
      spec: spec87ascii,
      onConnect: signOn,
    }),
    filter: (conn) => conn.status === 'online',
  });
  await pool.connect();

  // 3. Store-and-forward: advices and reversals on disk before anyone is told, card data protected.
  const safKey = randomBytes(32); // in production: from your key store, the same on every start
  const saf = createStoreAndForward({
    store: await openJournalStore({ path: join(dataDir, 'saf.journal') }),
    spec: spec87ascii,
    cardData: { key: safKey },
    destinations: {
      advices: { target: pool, retryCodes: ['91', '96'], interMessageDelay: 10 },
      reversals: { target: pool, responseTimeout: 2_000, retry: { initial: 1_000, max: 60_000 }, maxAttempts: 20 },
    },
  });
  const reversals = createAutoReversal({ saf, destination: 'reversals', mti: '0400', stan: 'original' });
  reversals.events$.subscribe((event) => console.log(`reversal ${event.type} (entry ${event.id})`));

  // 4. Metrics: one shared snapshot stream, exposed for Prometheus to scrape.
  const registry = new Registry();
  const snapshots = metrics$(pool, { interval: 1_000 }).pipe(share());
  const exposure = exposePrometheusMetrics(snapshots, { registry, labels: { host: 'acquirer-host' } });
  const scrape = http.createServer((_, res) => {
    void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
  });
  await new Promise<void>((resolve) => scrape.listen(0, '127.0.0.1', resolve));

  const delivered = (kind: string) =>
    firstValueFrom(saf.events$.pipe(filter((e) => e.type === 'delivered' && e.kind === kind)));
  const done = Promise.all([delivered('advice'), delivered('reversal')]);

  // 5. Authorizations: a timed-out one is reversed before its failure reaches us.
  const authorization = (amount: number) => {
    const at = new Date();
    const local = localTransactionTime(at, TIME_ZONE);
    return new Message(spec87ascii, {
      mti: '0100',
      fields: {
        2: '4761739001010119',
        3: '000000',
        4: amount,
        7: transmissionDateTime(at),
        11: stans.next(),
        12: local.time,
        13: local.date,
        32: '123456',
        41: 'TERM0001',
        49: '978',
      },
    });
  };
  for (const amount of [1500, 99_999]) {
    try {
      const response = await reversals.send(pool, authorization(amount), { timeout: 500 });
      console.log(`authorization ${amount}: ${response.get(39)}`);
      // 6. The completion advice goes through store-and-forward (at-least-once, in order).
      const advice = new Message(spec87ascii, {
        mti: '0220',
        fields: {
          2: '4761739001010119',
          3: '000000',
          4: amount,
          7: transmissionDateTime(),
          11: stans.next(),
          41: 'TERM0001',
        },
      });
      await saf.enqueue('advices', advice);
    } catch (error) {
      console.log(`authorization ${amount}: ${(error as Error).name}; its reversal is stored and on its way`);
    }
  }

  // Wait until the advice and the reversal are delivered, then scrape once.
  await done;
  await firstValueFrom(snapshots.pipe(filter((s) => s.inFlight === 0 && s.sent >= 4)));
  const { port } = scrape.address() as { port: number };
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  console.log(
    text
      .split('\n')
      .filter((line) => /^rx8583_(requests_sent|timeouts|responses)_total/.test(line))
      .join('\n'),
  );

  exposure.close();
  await new Promise((resolve) => scrape.close(resolve));
  reversals.close();
  await saf.close();
  await pool.close();
  await stans.close();
  await host.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
