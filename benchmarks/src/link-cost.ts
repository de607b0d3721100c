/**
 * What one accepted link costs a server, in retained heap: the server runs in this process, the
 * peers in a child (so their sockets are not counted), and heapUsed + external is taken after a
 * forced collection before and after `sockets` silent peers have connected.
 *
 *   pnpm build && node --expose-gc benchmarks/dist/link-cost.js [sockets=1000]
 *
 * Variants: `net` (a bare `net.Server`: what the socket itself costs), `idle` (an rx8583 server
 * nobody listens to), `inbound` (each link's `inbound$` and `closed` observed, as a host does),
 * `serve` (`server.serve(handler)`).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createServer } from '@rx8583/connection';
import { echoResponse, echoSpec } from './echo-spec';
import { heapAfterGc } from './stats';

/** Child role: opens `count` silent sockets to `port`, says `holding`, and waits to be disconnected. */
async function peers(port: number, count: number): Promise<void> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    sockets.push(socket);
    await once(socket, 'connect');
  }
  process.send!({ type: 'holding' });
  process.on('disconnect', () => {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  });
}

interface Listening {
  port: number;
  accepted(): number;
  close(): Promise<void>;
}

async function listen(variant: string): Promise<Listening> {
  if (variant === 'net') {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as net.AddressInfo).port,
      accepted: () => sockets.size,
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  }
  const server = createServer({ spec: echoSpec });
  if (variant === 'serve') server.serve((request) => echoResponse(request));
  server.connections$.subscribe((link) => {
    if (variant !== 'inbound') return;
    link.inbound$.subscribe((request) => void link.reply(echoResponse(request)).catch(() => undefined));
    void link.closed.then(() => undefined);
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, accepted: () => server.connections.size, close: () => server.close({ drainTimeout: 100 }) };
}

async function measure(variant: string, count: number): Promise<number> {
  const server = await listen(variant);
  const before = heapAfterGc();
  const child = fork(__filename, ['peers', String(server.port), String(count)]);
  await once(child, 'message');
  while (server.accepted() < count) await delay(10);
  await delay(200);
  const after = heapAfterGc();
  child.disconnect();
  await once(child, 'exit');
  await server.close();
  return (after - before) / count;
}

async function main(): Promise<void> {
  const [role, ...args] = process.argv.slice(2);
  if (role === 'peers') return peers(Number(args[0]), Number(args[1]));
  heapAfterGc(); // fails at once without --expose-gc
  const count = Number(role ?? 1_000);
  for (const variant of ['net', 'idle', 'inbound', 'serve']) {
    const perLink = await measure(variant, count);
    console.log(`${variant.padEnd(8)} ${(perLink / 1024).toFixed(2)} KiB a link (${count} links)`);
  }
}

void main();
