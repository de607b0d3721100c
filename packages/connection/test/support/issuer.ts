import type { Message } from '@rx8583/iso8583';
import { connect } from '../../src/connection/create-connection';
import type { ConnectionOptions } from '../../src/connection/options';
import type { Connection } from '../../src/connection/types';
import { createServer } from '../../src/server/server';
import type { Server, ServerOptions } from '../../src/server/server-types';
import { linkSpec, responseTo } from './link-spec';
import type { Loopback } from './loopback';

/** What an issuer does with each inbound message; default: approve with 39 = 00. */
export type Handler = (conn: Connection, request: Message) => void;

// A reply still queued when the link ends fails with ConnectionClosedError; tests that care check
// their own replies.
export const approve: Handler = (conn, request) =>
  void conn.reply(responseTo(request, { 39: '00' })).catch(() => undefined);

/** Starts one of our servers on 127.0.0.1:0 answering with `handler`; cleaned up by `loop`. */
export async function startIssuer(
  loop: Loopback,
  handler: Handler = approve,
  options: Partial<ServerOptions> = {},
): Promise<{ server: Server; port: number; accepted: Connection[] }> {
  const server = loop.trackServer(createServer({ spec: linkSpec, ...options }));
  const accepted: Connection[] = [];
  server.connections$.subscribe((conn) => {
    accepted.push(conn);
    conn.inbound$.subscribe((request) => handler(conn, request));
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port, accepted };
}

/** Connects a client to 127.0.0.1:`port`; cleaned up by `loop`. */
export async function connectClient(
  loop: Loopback,
  port: number,
  options: Partial<ConnectionOptions> = {},
): Promise<Connection> {
  return loop.track(await connect({ host: '127.0.0.1', port, spec: linkSpec, ...options }));
}
