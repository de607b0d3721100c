import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createServer, type Connection, type ConnectionOptions, type Server } from '@rx8583/connection';
import { Message, spec87ascii } from '@rx8583/iso8583';
import { Subject, filter, firstValueFrom, type Observable } from 'rxjs';

/** What the host does with one request: the response code to answer with, or `undefined` for silence. */
export type HostBehaviour = (request: Message, host: TestHost) => string | undefined;

/** One request as the host received it. */
export interface Received {
  mti: string;
  stan: string;
  message: Message;
  conn: Connection;
}

/** An acquirer's host stand-in on 127.0.0.1: answers (or not) each request, and logs them. */
export class TestHost {
  server: Server | undefined;
  port = 0;
  readonly received: Received[] = [];
  readonly #arrivals = new Subject<Received>();

  constructor(public behaviour: HostBehaviour = () => '00') {}

  /** Every request as it arrives. */
  get arrivals$(): Observable<Received> {
    return this.#arrivals;
  }

  async start(port = this.port): Promise<this> {
    const server = createServer({ spec: spec87ascii, idleTime: Infinity, readTimeout: Infinity });
    server.connections$.subscribe((conn) => {
      conn.inbound$.subscribe((request) => {
        const seen = { mti: request.mti, stan: String(request.get(11) ?? ''), message: request, conn };
        this.received.push(seen);
        this.#arrivals.next(seen);
        const code = this.behaviour(request, this);
        if (code !== undefined) void conn.reply(responseTo(request, code)).catch(() => undefined);
      });
    });
    this.port = (await server.listen(port, '127.0.0.1')).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  /** Resolves with the `n`th request (1-based) that passes `predicate`. */
  nth(n: number, predicate: (r: Received) => boolean = () => true): Promise<Received> {
    const already = this.received.filter(predicate);
    if (already.length >= n) return Promise.resolve(already[n - 1]!);
    let count = already.length;
    return firstValueFrom(this.#arrivals.pipe(filter((r) => predicate(r) && ++count === n)));
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }
}

/** The response to `request`: MTI + 10, fields 11, 41 and 37 echoed, field 39 = `code`. */
export function responseTo(request: Message, code: string): Message {
  const mti = request.mti;
  const response = new Message(spec87ascii, {
    mti: mti.slice(0, 2) + String(Number(mti[2]) + 1) + (Number(mti[3]) & ~1),
  });
  for (const n of [11, 37, 41]) if (request.has(n)) response.set(n, request.get(n) as string);
  return response.set(39, code);
}

/** Client options for a host on 127.0.0.1. */
export function linkTo(port: number, extra: Partial<ConnectionOptions> = {}): ConnectionOptions {
  return { host: '127.0.0.1', port, spec: spec87ascii, idleTime: Infinity, readTimeout: Infinity, ...extra };
}

/** A fresh private directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'rx8583-txn-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A 0100/0200/0220-style message of spec87ascii with card data in it. */
export function cardMessage(mti: string, stan: string, extra: Record<number, string> = {}): Message {
  return new Message(spec87ascii, {
    mti,
    fields: {
      2: TEST_PAN,
      3: '000000',
      4: '000000001500',
      7: '0309070501',
      11: stan,
      32: '123456',
      35: TEST_TRACK2,
      41: 'TERM0001',
      49: '978',
      ...extra,
    },
  });
}

export const TEST_PAN = '4761739001010119';
export const TEST_TRACK2 = '4761739001010119=25122011143804400000';
export const TEST_KEY = Buffer.alloc(32, 7);
