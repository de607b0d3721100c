/**
 * The program docs/getting-started.md walks through, step by step: a message built, packed and
 * described; an issuer endpoint that answers; a client that signs on, pings when idle, sends an
 * authorization and meets each common error; a graceful close; then a pool of two links.
 *
 * Everything talks to 127.0.0.1 only and the program exits by itself in about a second.
 */
import {
  ConnectError,
  ConnectionClosedError,
  DuplicateRequestError,
  SendTimeoutError,
  connect,
  createPool,
  createServer,
  type Connection,
} from '@rx8583/connection';
import { Message, PackError, describe, spec87ascii, unpack } from '@rx8583/iso8583';
import { filter, firstValueFrom } from 'rxjs';

// --- 1. Messages -------------------------------------------------------------------------------

let lastStan = 0;
/** The next System Trace Audit Number, 1..999999 (a real acquirer persists it across restarts). */
const nextStan = () => (lastStan = (lastStan % 999_999) + 1);

/** Field 7: transmission date and time, MMDDhhmmss in UTC. */
function transmissionTime(now = new Date()): string {
  return now.toISOString().replace(/\D/g, '').slice(4, 14);
}

/** An 0800 network management request: 001 sign-on, 002 sign-off, 301 echo test. */
function networkManagement(code: '001' | '002' | '301'): Message {
  return new Message(spec87ascii, { mti: '0800', fields: { 7: transmissionTime(), 11: nextStan(), 70: code } });
}

/** An 0100 authorization request for `amount` minor units (1500 = 15.00). */
function authorization(amount: number): Message {
  return new Message(spec87ascii, {
    mti: '0100',
    fields: {
      2: '4761739001010119',
      3: '000000',
      4: amount,
      7: transmissionTime(),
      11: nextStan(),
      14: '2812',
      22: '051',
      41: 'TERM0001',
      42: 'MERCHANT0000001',
      49: '978',
    },
  });
}

function step1Messages(): void {
  const request = authorization(1500);
  console.log(`0100 amount as stored: ${String(request.get(4))}`); // '000000001500'
  const bytes = request.pack();
  console.log(`packed: ${bytes.length} bytes, MTI ${Buffer.from(bytes.subarray(0, 4)).toString('latin1')}`);
  const back = unpack(spec87ascii, bytes);
  console.log(`unpacked: MTI ${back.mti}, fields ${back.fieldNumbers().join(' ')}`);
  console.log(describe(back)); // PAN masked 476173******0119, expiry hidden
}

// --- 2. The issuer: a server that answers ------------------------------------------------------

/** The response to an issuer-bound request, or `undefined` for what this issuer does not handle. */
function answer(request: Message): Message | undefined {
  // toResponse: the response MTI (0100 → 0110, 0800 → 0810) and the fields the spec echoes for the
  // class — 11 and 41 among them, which the client matches its response by — then these fields.
  if (request.mti === '0800') return request.toResponse({ 39: '00' });
  if (request.mti === '0100') {
    const approved = Number(request.getString(4)) <= 100_000; // up to 1 000.00
    return request.toResponse({ 38: approved ? 'A00001' : '000000', 39: approved ? '00' : '51' });
  }
  return undefined; // e.g. an 0200: this issuer stays silent, the client's send times out
}

async function startIssuer() {
  const issuer = createServer({ spec: spec87ascii });
  // Each request is answered with what `answer` returns (nothing: no reply). A handler that throws,
  // or a reply that fails to pack, is reported on the link's events$ and answered 96 — never a crash.
  issuer.serve(answer);
  const address = await issuer.listen(0, '127.0.0.1');
  console.log(`issuer listening on ${address.address}:${address.port}`);
  return { issuer, port: address.port };
}

// --- 3. The client: sign-on, echo pings, sign-off -----------------------------------------------

async function signOn(conn: Connection): Promise<void> {
  const response = await conn.send(networkManagement('001'));
  if (response.get(39) !== '00') throw new Error(`sign-on refused with response code ${String(response.get(39))}`);
  conn.status = 'online';
}

const signOff = (conn: Connection) => conn.send(networkManagement('002'));

function clientOptions(port: number) {
  return {
    host: '127.0.0.1',
    port,
    spec: spec87ascii,
    sendTimeout: 5_000,
    onConnect: signOn,
    idleTime: 200, // 30 000 or so on a real link
    ping: (conn: Connection) => conn.send(networkManagement('301')),
    onClose: signOff,
  };
}

// --- 5. Errors ---------------------------------------------------------------------------------

async function step5Errors(conn: Connection): Promise<void> {
  try {
    authorization(1500).set(4, '12.50').pack(); // a numeric field holds digits only: amounts are minor units
  } catch (error) {
    if (error instanceof PackError) console.log(`PackError: ${error.message}`);
  }

  const purchase = new Message(spec87ascii, {
    mti: '0200',
    fields: { 3: '000000', 4: 2500, 7: transmissionTime(), 11: nextStan(), 41: 'TERM0001' },
  });
  try {
    await conn.send(purchase, { timeout: 150 });
  } catch (error) {
    if (error instanceof SendTimeoutError) console.log(`SendTimeoutError: ${error.message}`);
  }

  const request = authorization(4200);
  const [first, second] = await Promise.allSettled([conn.send(request), conn.send(request)]);
  if (first.status === 'fulfilled') console.log(`first send: 0110 with 39=${String(first.value.get(39))}`);
  if (second.status === 'rejected' && second.reason instanceof DuplicateRequestError) {
    console.log(`DuplicateRequestError: ${second.reason.message}`);
  }
}

// --- 7. A pool of links -------------------------------------------------------------------------

async function step7Pool(port: number): Promise<void> {
  const pool = createPool({
    addresses: [`127.0.0.1:${port}`, `127.0.0.1:${port}`],
    connection: (address) => {
      const [host, portText] = address.split(':');
      return { ...clientOptions(Number(portText)), host: host! };
    },
    minConnections: 2,
    reconnect: { initial: 500, max: 30_000, jitter: 0.2 },
    filter: (conn) => conn.status === 'online',
  });
  await pool.connect();
  console.log(`pool: ${pool.connections.length} links up, degraded: ${pool.isDegraded()}`);
  for (const amount of [1000, 2000]) {
    const link = await pool.get();
    const response = await link.send(authorization(amount));
    console.log(`pool: 0110 with 39=${String(response.get(39))}`);
  }
  await pool.close(); // signs every link off
  console.log('pool closed');
}

async function main(): Promise<void> {
  step1Messages();
  const { issuer, port } = await startIssuer();

  // --- 4. Sign on, send an authorization, read the response ---------------------------------
  const conn = await connect(clientOptions(port));
  console.log(`signed on to ${conn.remoteAddress}, status ${conn.status}`);

  const response = await conn.send(authorization(1500));
  console.log(`0110: 39=${String(response.get(39))}, 38=${String(response.get(38))}`);
  const declined = await conn.send(authorization(250_000));
  console.log(`0110: 39=${String(declined.get(39))}`);

  await firstValueFrom(conn.events$.pipe(filter((event) => event.type === 'ping')));
  console.log('idle: echo test sent (0800, 70=301)');

  await step5Errors(conn);

  // --- 6. Close gracefully ------------------------------------------------------------------
  await conn.close(); // sign-off, wait for in-flight responses, end the socket
  console.log(`closed: ${(await conn.closed).reason}`);
  try {
    await conn.send(authorization(1500));
  } catch (error) {
    if (error instanceof ConnectionClosedError) console.log(`ConnectionClosedError: ${error.message}`);
  }

  await step7Pool(port);

  await issuer.close();
  try {
    await connect({ ...clientOptions(port), connectTimeout: 1_000 });
  } catch (error) {
    if (error instanceof ConnectError) console.log(`ConnectError (${error.code}): ${error.message}`);
  }
}

main().catch((error: unknown) => {
  console.error('getting-started failed:', error);
  process.exitCode = 1;
});
