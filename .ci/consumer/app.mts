// Type-checked, never run: app code as a payment team writes it, under the strictest settings
// (tsconfig.json). The rxjs here is the app's own copy (a different patch version than the
// workspace's): rx8583 takes it as a peer, so its Observables are the app's Observables.
import { firstValueFrom, filter, type Observable } from 'rxjs';
import {
  connect,
  createPool,
  createServer,
  framing,
  tpdu,
  type Connection,
  type ConnectionEvent,
  type HeaderLayout,
  type RequestHandler,
  type Tpdu,
} from '@rx8583/connection';
import { Message, describe, spec87ascii, type MessageSpec } from '@rx8583/iso8583';

export async function waitClosed(conn: Connection): Promise<ConnectionEvent> {
  return firstValueFrom(conn.events$.pipe(filter((event) => event.type === 'closed')));
}

export async function authorize(conn: Connection, amount: number): Promise<string> {
  const request = new Message(spec87ascii, { mti: '0100', fields: { 3: '000000', 4: amount, 11: 7, 41: 'TERM0001' } });
  const response = await conn.send(request, { timeout: 5_000 });
  return response.getString(39);
}

export const approveAll: RequestHandler = async (request) =>
  request.mti === '0800' ? request.toResponse({ 39: '00' }) : request.toResponse({ 38: 'A00001', 39: '00' });

export function issuer(spec: MessageSpec): Observable<Connection> {
  const header: HeaderLayout<Tpdu> = tpdu;
  const server = createServer({ spec, framing: framing.withHeader(framing.binary2(), header) });
  server.serve(approveAll);
  return server.connections$;
}

export async function acquirer(port: number): Promise<void> {
  const conn = await connect({ host: '127.0.0.1', port, spec: spec87ascii, sendTimeout: 5_000 });
  const bytes: Uint8Array = new Message(spec87ascii, { mti: '0800', fields: { 11: 1, 70: '301' } }).pack();
  void bytes;
  void describe;
  await conn.close();
  const pool = createPool({
    addresses: ['127.0.0.1:9000'],
    connection: (address) => ({ host: address.split(':')[0]!, port: Number(address.split(':')[1]), spec: spec87ascii }),
  });
  await pool.close();
}
