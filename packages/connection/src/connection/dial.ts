import * as net from 'node:net';
import * as tls from 'node:tls';
import { ConnectError, ConnectTimeoutError } from '../errors';

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
  /** Aborts the attempt. */
  signal?: AbortSignal;
}

// Node codes for a certificate the client refuses, so the error can say so in plain words.
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

const ignore = (): void => undefined;

/** Explains a dial failure in terms of what the user can fix. */
export function describeDialError(address: string, error: unknown): ConnectError {
  const code = String((error as { code?: unknown })?.code ?? 'UNKNOWN');
  const detail = error instanceof Error ? error.message : String(error);
  let reason: string;
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    reason = `the server's TLS certificate is not trusted (${code}: ${detail}); pass its CA in tls.ca`;
  } else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    reason = `the server's TLS certificate does not name this host (${detail}); check tls.servername`;
  } else if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    reason = `the server's TLS certificate is outside its validity period (${code})`;
  } else if (/CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA/.test(code)) {
    reason = `the server refused the TLS handshake (${code}); it may require a client certificate (tls.cert, tls.key) it trusts`;
  } else {
    reason = `${detail} (${code})`;
  }
  return new ConnectError(address, code, reason, { cause: error });
}

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
      resolve(socket);
    };
    const onError = (error: Error): void => fail(describeDialError(address, error));
    const onAbort = (): void => fail(new ConnectError(address, 'ABORT_ERR', 'aborted', { cause: signal?.reason }));
    const timer = setTimeout(() => fail(new ConnectTimeoutError(address, connectTimeout)), connectTimeout);

    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
