import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { peerAddress } from '../connection/connection';
import { opensTlsHandshake, TLS_ALERT_UNEXPECTED_MESSAGE } from '../framing/tls-mismatch';
import { TlsHandshakeTimeoutError, TlsMismatchError } from '../errors';
import { Deadline, linkDeadlines } from '../connection/deadline-queue';

/** One socket between accept and the end of its TLS handshake. */
interface Handshake {
  readonly raw: net.Socket;
  /** `timeout` from accept, on the links' shared deadline queue. */
  readonly deadline: Deadline;
  /** Waiting for the first byte, handed to the TLS server, or refused as plain TCP. */
  stage: 'first byte' | 'tls' | 'refused';
}

const ignore = (): void => undefined;

/**
 * The TLS handshakes of a server, each bounded by `timeout` from accept. Node's `tls.Server`
 * only emits `ERR_TLS_HANDSHAKE_TIMEOUT` and keeps the socket (and so its connection slot), so
 * each accepted socket gets a deadline here (on the queue the links' deadlines share), which
 * destroys it.
 *
 * Sockets are accepted by a plain `net.Server` and handed to the `tls.Server` once their first
 * byte is in (Node's documented `server.emit('connection', socket)`; the byte is put back with
 * `unshift` and the TLS socket reads it first). That first byte tells a plain-TCP client, which
 * gets a TLS alert and an error that says so, from a TLS client.
 */
export class TlsHandshakes {
  private readonly pending = new Map<string, Handshake>();

  constructor(
    private readonly tlsServer: tls.Server,
    private readonly timeout: number,
    /** Reports a handshake that failed before Node's TLS layer saw it (its own failures come as `tlsClientError`). */
    private readonly report: (remoteAddress: string, error: Error) => void,
  ) {}

  /** Sockets in a handshake now. */
  get count(): number {
    return this.pending.size;
  }

  /** Starts the handshake of a freshly accepted socket. */
  begin(raw: net.Socket): void {
    const key = socketKey(raw);
    const address = peerAddress(raw);
    const handshake: Handshake = {
      raw,
      deadline: new Deadline(linkDeadlines, this.timeout, () => this.expire(key, address)),
      stage: 'first byte',
    };
    handshake.deadline.restart();
    this.pending.set(key, handshake);
    // Until the TLS socket owns it, a reset would be an unhandled 'error'; the close is what counts.
    raw.on('error', ignore);
    raw.once('close', () => this.settle(key));
    raw.once('readable', () => {
      const first = raw.read() as Buffer | null;
      if (first === null || raw.destroyed) return;
      if (!opensTlsHandshake(first[0]!)) {
        handshake.stage = 'refused';
        this.refusePlain(raw, address);
        return;
      }
      raw.unshift(first);
      handshake.stage = 'tls';
      this.tlsServer.emit('connection', raw);
    });
  }

  /** A TLS socket finished its handshake: its timer stops. Returns the raw socket under it. */
  secured(socket: tls.TLSSocket): net.Socket | undefined {
    return this.settle(socketKey(socket));
  }

  private settle(key: string): net.Socket | undefined {
    const handshake = this.pending.get(key);
    if (handshake === undefined) return undefined;
    handshake.deadline.cancel();
    this.pending.delete(key);
    return handshake.raw;
  }

  private expire(key: string, address: string): void {
    const handshake = this.pending.get(key);
    if (handshake === undefined) return;
    this.pending.delete(key);
    if (handshake.stage === 'refused') {
      handshake.raw.destroy(); // already reported
      return;
    }
    const error = new TlsHandshakeTimeoutError(address, this.timeout);
    // Once the TLS socket owns the raw one, destroying the raw socket with the error makes Node
    // report it, once, as the TLS socket's `tlsClientError`; before that we report it ourselves.
    if (handshake.stage === 'tls') {
      handshake.raw.destroy(error);
    } else {
      handshake.raw.destroy();
      this.report(address, error);
    }
  }

  private refusePlain(raw: net.Socket, address: string): void {
    this.report(
      address,
      new TlsMismatchError(
        address,
        'plain',
        'speaks plain TCP to this TLS server (its first bytes are not a TLS handshake): give the client tls options',
      ),
    );
    // The alert, then FIN; what the client still sends is discarded. The handshake timer stays as
    // the bound on a client that never closes its side.
    raw.resume();
    raw.end(TLS_ALERT_UNEXPECTED_MESSAGE);
  }
}

/** A socket's two ends: one live TCP connection, seen alike through the raw and the TLS socket. */
function socketKey(socket: net.Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}|${socket.localAddress}|${socket.localPort}`;
}
