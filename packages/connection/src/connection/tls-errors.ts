import type * as tls from 'node:tls';
import { ClientCertificateError, ConnectError } from '../errors';

// One place that turns Node's TLS and socket failures into errors saying what to fix: the client
// side (dialing, and a TLS 1.3 refusal that arrives after the handshake) and the server side.

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

/** Explains a failed dial (or a TLS failure on a dialled link) in terms of what the user can fix. */
export function explainDialError(address: string, error: unknown): ConnectError {
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
  } else if (/before secure TLS connection was established/.test(detail)) {
    // What a plain-TCP server does with a ClientHello (ours refuses it at once): it hangs up.
    reason = `the server closed the connection during the TLS handshake (${code}): it may not speak TLS (a plain-TCP port: dial it without tls), or it refused this client`;
  } else {
    reason = `${detail} (${code})`;
  }
  return new ConnectError(address, code, reason, { cause: error });
}

/**
 * A socket error on an open (dialled) link, as the connection reports it. A TLS 1.3 server refuses
 * a client certificate only after the client finished its side of the handshake, so that refusal
 * arrives on the open connection rather than while dialing: it is explained the same way.
 */
export function explainSocketError(address: string, error: Error): Error {
  const code = String((error as NodeJS.ErrnoException).code ?? '');
  return code.startsWith('ERR_SSL_') ? explainDialError(address, error) : error;
}

/**
 * A failed server-side TLS handshake, explained. Node refuses a client certificate from an
 * unknown CA by dropping the socket after the handshake, so the error it reports is a bare
 * "socket hang up": the verification result left on the socket (`authorizationError`) is what
 * says why. Other failures (a client that hung up, spoke plain TCP, ...) are passed on as they are.
 */
export function explainTlsClientError(error: Error, socket: tls.TLSSocket): Error {
  const refused = socket.authorizationError;
  if (refused !== undefined && refused !== null) {
    const code = typeof refused === 'string' ? refused : String((refused as { code?: unknown }).code ?? refused);
    const reason = `its certificate is not trusted (${code}); add the CA that signs client certificates to tls.ca`;
    return new ClientCertificateError(code, reason, { cause: error });
  }
  const code = String((error as NodeJS.ErrnoException).code ?? '');
  if (code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') {
    return new ClientCertificateError(code, 'it sent no certificate, and this server requires one (requestCert)', {
      cause: error,
    });
  }
  return error;
}
