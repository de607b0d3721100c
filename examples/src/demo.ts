/**
 * The README demo: an issuer and an acquirer talking ISO 8583 over a real TCP socket on 127.0.0.1.
 *
 * The issuer approves amounts up to 1 000.00 (39 = 00) and declines larger ones (39 = 51).
 * The acquirer signs on (0800 / 70 = 001) before it is handed the connection, pings when idle
 * (70 = 301), sends 10 000 authorization requests with 100 in flight, prints a summary and signs
 * off (70 = 002) while closing gracefully.
 */
import { createServer, connect, type Connection } from '@rx8583/connection';
import { Message, describe, spec87ascii } from '@rx8583/iso8583';
import { filter, firstValueFrom } from 'rxjs';
import { performance } from 'node:perf_hooks';

const REQUESTS = 10_000;
const IN_FLIGHT = 100;
const APPROVAL_LIMIT = 100_000n; // minor units: 1 000.00

function networkManagement(code: '001' | '002' | '301', stan: number): Message {
  return new Message(spec87ascii, {
    mti: '0800',
    fields: { 7: transmissionTime(), 11: stan, 70: code },
  });
}

function transmissionTime(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    two(now.getUTCMonth() + 1) +
    two(now.getUTCDate()) +
    two(now.getUTCHours()) +
    two(now.getUTCMinutes()) +
    two(now.getUTCSeconds())
  );
}

function authorization(stan: number): Message {
  // Amounts from 0.01 to 2 000.00, so about half are declined.
  const amount = 1 + ((stan * 7919) % 200_000);
  return new Message(spec87ascii, {
    mti: '0100',
    fields: {
      2: '4761739001010119',
      3: '000000',
      4: amount,
      7: transmissionTime(),
      11: stan,
      12: '120000',
      13: '1126',
      14: '2812',
      22: '051',
      25: '00',
      37: `DEMO${String(stan).padStart(8, '0')}`,
      41: 'TERM0001',
      42: 'MERCHANT0000001',
      49: '840',
    },
  });
}

/** The issuer's decision: a response built from the request. */
function decide(request: Message): Message {
  if (request.mti !== '0100') return request.toResponse({ 39: '00' });
  const approved = BigInt(request.getString(4)) <= APPROVAL_LIMIT;
  return request.toResponse({
    38: approved ? `A${request.getString(11)}`.slice(0, 6) : '000000',
    39: approved ? '00' : '51',
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function main(): Promise<void> {
  // --- issuer -----------------------------------------------------------------------------
  const issuer = createServer({ spec: spec87ascii });
  issuer.serve(decide); // a handler that throws is reported as a handlerError, never crashes the process
  const address = await issuer.listen(0, '127.0.0.1');
  console.log(`issuer listening on ${address.address}:${address.port}`);
  console.log(
    `issuer rule: approve amounts up to ${Number(APPROVAL_LIMIT) / 100} (field 4 <= ${APPROVAL_LIMIT} minor units), decline above (39=51)`,
  );

  // --- acquirer ---------------------------------------------------------------------------
  let stan = 0;
  const nextStan = () => (stan = (stan % 999_999) + 1);
  let pings = 0;
  const acquirer: Connection = await connect({
    host: '127.0.0.1',
    port: address.port,
    spec: spec87ascii,
    idleTime: 250,
    ping: async (conn) => {
      pings++;
      await conn.send(networkManagement('301', nextStan()));
    },
    onConnect: async (conn) => {
      const signOn = await conn.send(networkManagement('001', nextStan()));
      conn.status = signOn.get(39) === '00' ? 'online' : 'offline';
      console.log(`signed on: 0810 with 39=${signOn.get(39)}`);
    },
    onClose: async (conn) => {
      const signOff = await conn.send(networkManagement('002', nextStan()));
      console.log(`signed off: 0810 with 39=${signOff.get(39)}`);
    },
  });

  const sample = authorization(nextStan());
  console.log('\nfirst request, as a log would show it (masked):');
  console.log(describe(sample));

  let approved = 0;
  let declined = 0;
  const latencies: number[] = [];
  let sent = 0;
  const started = performance.now();
  const sender = async () => {
    while (sent < REQUESTS) {
      sent++;
      const request = authorization(nextStan());
      const t0 = performance.now();
      const response = await acquirer.send(request);
      latencies.push(performance.now() - t0);
      if (response.get(39) === '00') approved++;
      else declined++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);

  console.log(`\n${REQUESTS} authorizations, ${IN_FLIGHT} in flight, over ${seconds.toFixed(2)} s`);
  console.log(`  approved (39=00): ${approved}`);
  console.log(`  declined (39=51): ${declined}`);
  console.log(`  throughput:       ${Math.round(REQUESTS / seconds).toLocaleString('en-US')} requests/s`);
  console.log(`  latency p50:      ${percentile(latencies, 50).toFixed(2)} ms`);
  console.log(`  latency p99:      ${percentile(latencies, 99).toFixed(2)} ms`);
  console.log('  (a cold start with both sides in one process; warmed-up numbers: benchmarks/README.md)');

  // Quiet now: the link stays alive on echo tests until we close it.
  await firstValueFrom(acquirer.events$.pipe(filter((event) => event.type === 'ping')));
  console.log(`\nidle for 250 ms: echo test sent (0800 / 70=301), ${pings} so far`);

  await acquirer.close();
  await issuer.close();
  console.log('\nboth sides closed gracefully');
}

main().catch((error: unknown) => {
  console.error('demo failed:', error);
  process.exitCode = 1;
});
