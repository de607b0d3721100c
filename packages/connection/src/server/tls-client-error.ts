import type * as tls from 'node:tls';
import { ClientCertificateError } from '../errors';

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
