import * as net from 'node:net';
import { BehaviorSubject, filter, firstValueFrom, type Observable } from 'rxjs';
import type { Message } from '@rx8583/iso8583';
import type { ConnectionOptions } from '../../src/connection/options';
import type { Connection } from '../../src/connection/types';
import { createServer } from '../../src/server/server';
import type { Server } from '../../src/server/server-types';
import { createPool } from '../../src/pool/pool';
import type { Pool, PoolEvent, PoolOptions } from '../../src/pool/types';
import { linkSpec, responseTo } from './link-spec';

/** An issuer stand-in: answers every request with `responseCode` in field 39, and counts what it saw. */
export class TestHost {
  server: Server | null = null;
  port = 0;
  /** MTIs of every request received, in order (sign-ons and sign-offs included). */
  readonly received: string[] = [];
  /** Every server-side connection accepted so far, across restarts. */
  private readonly accepted = new BehaviorSubject<Connection[]>([]);

  constructor(private readonly responseCode: (request: Message) => string = () => '00') {}

  /** Starts listening, on `port` when given (a restart), else on a free one. */
  async start(port = this.port): Promise<this> {
    const server = createServer({ spec: linkSpec, idleTime: Infinity, readTimeout: Infinity });
    server.connections$.subscribe((conn) => {
      this.accepted.next([...this.accepted.value, conn]);
      conn.inbound$.subscribe((request) => {
        this.received.push(request.mti as string);
        void conn.reply(responseTo(request, { 39: this.responseCode(request) })).catch(() => undefined);
      });
    });
    this.port = (await server.listen(port, '127.0.0.1')).port;
    this.server = server;
    return this;
  }

  /** Stops the server, closing its connections: the clients see the peer go away. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  /** Resolves once `count` connections were accepted in all (across restarts). */
  whenAccepted(count: number): Promise<Connection[]> {
    return firstValueFrom(this.accepted.pipe(filter((all) => all.length >= count)));
  }

  /** Live connections on the server side. */
  get connectionCount(): number {
    return this.server?.connections.size ?? 0;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }
}

/** A port nothing listens on (it was bound, then released): dials to it are refused. */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Client options for `127.0.0.1:<port>` addresses with the test spec. */
export function linkTo(address: string, extra: Partial<ConnectionOptions> = {}): ConnectionOptions {
  const [host, port] = address.split(':');
  return {
    host: host!,
    port: Number(port),
    spec: linkSpec,
    idleTime: Infinity,
    readTimeout: Infinity,
    connectTimeout: 2_000,
    ...extra,
  };
}

/** Resolves when the pool's usable set satisfies `predicate`. */
export function usableWhen(
  pool: Pool,
  predicate: (links: readonly Connection[]) => boolean,
): Promise<readonly Connection[]> {
  return firstValueFrom(pool.connections$.pipe(filter(predicate)));
}

/** Resolves with the next pool event of `type` that satisfies `predicate`. */
export function nextEvent<K extends PoolEvent['type']>(
  events$: Observable<PoolEvent>,
  type: K,
  predicate: (event: Extract<PoolEvent, { type: K }>) => boolean = () => true,
): Promise<Extract<PoolEvent, { type: K }>> {
  return firstValueFrom(
    events$.pipe(
      filter((event): event is Extract<PoolEvent, { type: K }> => event.type === type && predicate(event as never)),
    ),
  );
}

/** Reconnect waits short enough for tests: 20 ms doubling to 100 ms, ±20 %. */
export const fast = { initial: 20, max: 100, jitter: 0.2 };

/** A pool over `addresses` with the test links ({@link linkTo}) and {@link fast} reconnects. */
export function testPool(addresses: string[], minConnections: number, options: Partial<PoolOptions> = {}): Pool {
  return createPool({ addresses, connection: (a) => linkTo(a), minConnections, reconnect: fast, ...options });
}
