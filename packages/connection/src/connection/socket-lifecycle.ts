import type * as net from 'node:net';
import { fromEvent, type Observable } from 'rxjs';
import { ConnectionClosedError } from '../errors';
import { describeDialError } from './dial';
import type { CloseReason } from './types';

const closing = new WeakSet<net.Socket>();

/** `host:port` of a socket's peer; `unknown:0` once a reset socket no longer knows it. */
export function peerAddress(socket: net.Socket): string {
  return `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
}

/** A socket's inbound bytes, one value per chunk as it arrives. */
export function receivedChunks(socket: net.Socket): Observable<Uint8Array> {
  return fromEvent(socket, 'data') as Observable<Uint8Array>;
}

/**
 * Ends a socket gracefully — queued data is still sent, then FIN — and destroys it if it is not
 * closed within `timeout` ms (a TLS peer that never answers the close, a peer that stopped reading).
 * Safe to call more than once.
 */
export function closeSocket(socket: net.Socket, timeout: number): void {
  if (socket.destroyed || closing.has(socket)) return;
  closing.add(socket);
  const force = setTimeout(() => socket.destroy(), timeout);
  socket.once('close', () => clearTimeout(force));
  socket.end();
}

/** What pending requests and writes fail with when the link ends for `reason`. */
export function closedError(reason: CloseReason, error: Error | undefined): ConnectionClosedError {
  if (reason === 'error') return new ConnectionClosedError(`connection failed: ${error?.message}`, { cause: error });
  if (reason === 'peer') return new ConnectionClosedError('connection closed by the peer');
  return new ConnectionClosedError('connection closed');
}

/**
 * A socket error as the connection reports it. A TLS 1.3 server refuses a client certificate only
 * after the client finished its side of the handshake, so that refusal arrives on the open
 * connection rather than while dialing: it is explained the same way.
 */
export function explainSocketError(address: string, error: Error): Error {
  const code = String((error as NodeJS.ErrnoException).code ?? '');
  return code.startsWith('ERR_SSL_') ? describeDialError(address, error) : error;
}
