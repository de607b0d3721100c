import * as net from 'node:net';
import * as tls from 'node:tls';
import { ConnectError, ConnectTimeoutError } from '../errors';
import { explainDialError } from './tls-errors';

/** TLS settings for dialing: Node's `tls.connect` options minus what the dialer decides. */
export type TlsDialOptions = Omit<tls.ConnectionOptions, 'host' | 'port' | 'socket' | 'path' | 'timeout'>;

/** Where and how to open one socket. */
export interface DialOptions {
  /** Host name or IP address. */
  host: string;
  /** TCP port. */
  port: number;
  /** TLS on top of TCP: `true` for defaults (system CAs), or `tls.connect` options. */
  tls?: boolean | TlsDialOptions;
  /** Milliseconds allowed for TCP connect plus TLS handshake. */
  connectTimeout: number;
  /** Idle milliseconds before TCP keep-alive probes; `false` = no keep-alive. */
  tcpKeepAlive: number | false;
  /** Aborts the attempt. */
  signal?: AbortSignal;
}

const ignore = (): void => undefined;

/**
 * Opens a TCP or TLS socket and resolves once it is usable (after the TLS handshake when TLS is
 * on). Rejects with `ConnectTimeoutError` after `connectTimeout`, with `ConnectError` on refusal,
 * certificate problems or abort; the socket is destroyed on every failure.
 */
export function dial(options: DialOptions): Promise<net.Socket> {
  const { host, port, connectTimeout, signal } = options;
  const address = `${host}:${port}`;
  return new Promise<net.Socket>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ConnectError(address, 'ABORT_ERR', 'aborted before dialing', { cause: signal.reason }));
      return;
    }
    const secure = options.tls !== undefined && options.tls !== false;
    const socket: net.Socket = secure
      ? tls.connect({ ...(options.tls === true ? {} : options.tls), host, port })
      : net.connect({ host, port });
    const readyEvent = secure ? 'secureConnect' : 'connect';

    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off(readyEvent, onReady);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error): void => {
      cleanup();
      // A socket torn down mid-handshake may still report an error; it is already accounted for.
      socket.on('error', ignore);
      socket.destroy();
      reject(error);
    };
    const onReady = (): void => {
      cleanup();
      if (options.tcpKeepAlive !== false) socket.setKeepAlive(true, options.tcpKeepAlive);
      resolve(socket);
    };
    const onError = (error: Error): void => fail(explainDialError(address, error));
    const onAbort = (): void => fail(new ConnectError(address, 'ABORT_ERR', 'aborted', { cause: signal?.reason }));
    const timer = setTimeout(() => fail(new ConnectTimeoutError(address, connectTimeout)), connectTimeout);

    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
