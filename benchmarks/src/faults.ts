/**
 * The six fault scenarios of issue 8, over real sockets on 127.0.0.1, repeated and tallied:
 *
 *   pnpm faults [runs=20]        (= pnpm build && node benchmarks/dist/faults.js [runs])
 *
 *  1. peer close mid-flight — the peer takes 10 requests and closes: every send fails with
 *     `ConnectionClosedError` saying it was written, `closed` says `peer`;
 *  2. oversize length — the peer answers with a length over `maxFrameLength`: the link fails with
 *     `FramingError` and its pending send with it; a server refuses the same from a client and
 *     serves the next one;
 *  3. garbage — a frame that does not unpack: `unpackError`, and the link answers the next request;
 *  4. silence — a peer that never answers: the send fails with `SendTimeoutError` on time, the
 *     link reports `readTimeout`, and a server closes a silent client (`closeOnReadTimeout`);
 *  5. 0100/0400 sharing a STAN — answered 0410 first: each response settles its own request;
 *  6. duplicate keys — a second send under a pending key fails with `DuplicateRequestError`, the
 *     first still gets its response.
 * Each scenario has 5 s to finish, or it counts as hung. Prints a tally; exit code 1 on any failure.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  connect,
  ConnectionClosedError,
  createServer,
  DuplicateRequestError,
  framing,
  FramingError,
  SendTimeoutError,
  type Connection,
} from '@rx8583/connection';
import { Message, unpack } from '@rx8583/iso8583';
import { echoSpec } from './echo-spec';

const HUNG_MS = 5_000;
const frames = framing.binary2();

const message = (mti: string, stan: number) => new Message(echoSpec, { mti, fields: { 11: stan } });
const answer = (request: Message) =>
  message(`${request.mti.slice(0, 2)}${Number(request.mti[2]) + 1}${request.mti[3]}`, Number(request.get(11)));

/** Fails the scenario with `why` unless `condition` holds. */
function check(condition: boolean, why: string): void {
  if (!condition) throw new Error(why);
}

/** What a promise settled with. */
async function settled<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/** A raw TCP peer: `onSocket` gets each accepted socket, with its frames decoded as they come. */
async function rawPeer(onFrame: (socket: net.Socket, request: Message) => void) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    const decoder = frames.decoder();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) if (!socket.destroyed) onFrame(socket, unpack(echoSpec, frame.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs `body` against a raw peer and a client dialled to it, closing both whatever happens. */
async function againstPeer(
  onFrame: (socket: net.Socket, request: Message) => void,
  body: (conn: Connection) => Promise<void>,
  options: Record<string, unknown> = {},
): Promise<void> {
  const peer = await rawPeer(onFrame);
  const conn = await connect({ host: '127.0.0.1', port: peer.port, spec: echoSpec, ...options });
  try {
    await body(conn);
  } finally {
    await conn.close().catch(() => undefined);
    await peer.close();
  }
}

const write = (socket: net.Socket, m: Message) => socket.write(frames.encode(m.pack()));

const scenarios: Record<string, () => Promise<void>> = {
  'peer close mid-flight': () => {
    let seen = 0;
    return againstPeer(
      (socket) => {
        if (++seen === 10) socket.destroy();
      },
      async (conn) => {
        const sends = Array.from({ length: 10 }, (_, i) => settled(conn.send(message('0800', i + 1))));
        const results = await Promise.all(sends);
        for (const { error } of results) {
          check(error instanceof ConnectionClosedError, `a send ended with ${String(error)}`);
          check((error as ConnectionClosedError).written, 'a written send says written: false');
        }
        const info = await conn.closed;
        check(info.reason === 'peer' || info.reason === 'error', `closed with reason ${info.reason}`);
      },
    );
  },

  'oversize length': async () => {
    await againstPeer(
      (socket) => socket.write(Uint8Array.from([0xff, 0xff, 0x30])),
      async (conn) => {
        const { error } = await settled(conn.send(message('0800', 1)));
        check(error instanceof ConnectionClosedError, `the send ended with ${String(error)}`);
        const info = await conn.closed;
        check(info.error instanceof FramingError, `the link ended with ${String(info.error)}`);
      },
      { maxFrameLength: 1_000 },
    );
    // The other way round: a client announcing 65 535 bytes to a server with maxFrameLength 1 000.
    const server = createServer({ spec: echoSpec, maxFrameLength: 1_000 });
    server.serve((request) => answer(request));
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      socket.write(Uint8Array.from([0xff, 0xff, 0x30]));
      await once(socket, 'close');
      const conn = await connect({ host: '127.0.0.1', port, spec: echoSpec });
      const reply = await conn.send(message('0800', 2));
      check(reply.mti === '0810', `the next client got ${reply.mti}`);
      await conn.close();
    } finally {
      await server.close();
    }
  },

  garbage: () =>
    againstPeer(
      (socket, request) => {
        socket.write(frames.encode(Buffer.from('\x00\xffGARBAGE-NOT-ISO-8583')));
        write(socket, answer(request));
      },
      async (conn) => {
        const unpackErrors: unknown[] = [];
        conn.events$.subscribe((event) => event.type === 'unpackError' && unpackErrors.push(event.error));
        const first = await conn.send(message('0800', 1));
        const second = await conn.send(message('0800', 2));
        check(first.get(11) === '000001' && second.get(11) === '000002', 'responses did not match their requests');
        check(unpackErrors.length === 2, `${unpackErrors.length} unpackError events for 2 garbage frames`);
        check(conn.state === 'open', `the link is ${conn.state}`);
      },
    ),

  silence: async () => {
    await againstPeer(
      () => undefined,
      async (conn) => {
        let readTimeouts = 0;
        conn.events$.subscribe((event) => event.type === 'readTimeout' && readTimeouts++);
        const started = performance.now();
        const { error } = await settled(conn.send(message('0800', 1), { timeout: 300 }));
        const took = performance.now() - started;
        check(error instanceof SendTimeoutError, `the send ended with ${String(error)}`);
        check(took >= 295 && took < 1_300, `SendTimeoutError after ${took.toFixed(0)} ms for a 300 ms timeout`);
        if (readTimeouts === 0) await new Promise((resolve) => setTimeout(resolve, 300));
        check(readTimeouts > 0, 'no readTimeout event');
      },
      { readTimeout: 200 },
    );
    const server = createServer({ spec: echoSpec, readTimeout: 200 });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      const opened = performance.now();
      await once(socket, 'close');
      const after = performance.now() - opened;
      check(after >= 190 && after < 1_200, `the server closed a silent client after ${after.toFixed(0)} ms`);
    } finally {
      await server.close();
    }
  },

  '0100/0400 sharing a STAN': () => {
    const held: Message[] = [];
    return againstPeer(
      (socket, request) => {
        held.push(request);
        if (held.length < 2) return;
        // The reversal's answer first, then the authorization's.
        for (const m of [...held].reverse()) write(socket, answer(m));
      },
      async (conn) => {
        const authorization = conn.send(message('0100', 7));
        const reversal = conn.send(message('0400', 7));
        const [auth, rev] = await Promise.all([authorization, reversal]);
        check(auth.mti === '0110', `the 0100 got a ${auth.mti}`);
        check(rev.mti === '0410', `the 0400 got a ${rev.mti}`);
      },
    );
  },

  'duplicate keys': () => {
    let pendingAnswer: (() => void) | undefined;
    return againstPeer(
      (socket, request) => (pendingAnswer = () => write(socket, answer(request))),
      async (conn) => {
        const first = conn.send(message('0800', 9));
        const { error } = await settled(conn.send(message('0800', 9)));
        check(error instanceof DuplicateRequestError, `the second send ended with ${String(error)}`);
        while (pendingAnswer === undefined) await new Promise(setImmediate);
        pendingAnswer();
        const response = await first;
        check(response.mti === '0810' && response.get(11) === '000009', 'the first send lost its response');
      },
    );
  },
};

async function withDeadline(run: () => Promise<void>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`hung for ${HUNG_MS} ms`), HUNG_MS)));
  try {
    return await Promise.race([run().then(() => undefined), hung]);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  const tally = new Map<string, { passed: number; failures: string[] }>();
  for (const name of Object.keys(scenarios)) tally.set(name, { passed: 0, failures: [] });
  const started = performance.now();
  for (let run = 1; run <= runs; run++) {
    for (const [name, scenario] of Object.entries(scenarios)) {
      const failure = await withDeadline(scenario);
      const entry = tally.get(name)!;
      if (failure === undefined) entry.passed++;
      else entry.failures.push(`run ${run}: ${failure}`);
    }
  }
  console.log(`${runs} runs of the six fault scenarios in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.table([...tally].map(([scenario, { passed }]) => ({ scenario, passed: `${passed} / ${runs}` })));
  for (const [name, { failures }] of tally) for (const failure of failures) console.log(`FAIL ${name}, ${failure}`);
  process.exitCode = [...tally.values()].every(({ passed }) => passed === runs) ? 0 : 1;
}

void main();
