import type * as net from 'node:net';
import { fromEvent, type Observable } from 'rxjs';

const closing = new WeakSet<net.Socket>();

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
