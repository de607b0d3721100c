/**
 * Every error the connection layer produces. Each has a stable `name`, a message that says what
 * and where, an optional `cause`, and never carries card data (no field values in any text).
 */

/** @internal Anything thrown or rejected, as an `Error` (user callbacks may throw strings). */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Common base: lets callers catch any rx8583 connection failure with one `instanceof`. */
export class Rx8583Error extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * No response arrived within the send timeout, counted from the `send` call (time spent waiting for
 * a `maxInFlight` slot or for room under `maxQueuedBytes` included).
 */
export class SendTimeoutError extends Rx8583Error {
  constructor(
    /** The correlation key of the request that timed out (MTI class, STAN, terminal id). */
    readonly key: string,
    /** The timeout that expired, in milliseconds. */
    readonly timeout: number,
    /** What the link saw during the wait that may explain it (see the message), or ''. */
    readonly hint = '',
  ) {
    super(`no response for request ${key} within ${timeout} ms${hint}`);
  }
}

/**
 * The socket accepted nothing for `writeTimeout` ms (its buffer stayed full: the peer stopped
 * reading), so the link was closed. It is the `cause` of the `ConnectionClosedError` every pending
 * send, reply and write then fails with, and the `error` of `closed`; queued frames are dropped,
 * never written later.
 */
export class WriteTimeoutError extends Rx8583Error {
  constructor(
    /** The timeout that expired, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`could not write within ${timeout} ms: the peer is not reading (socket buffer full)`);
  }
}

/**
 * The connection is closing or closed, or ended while the request (or reply, or write) was pending.
 * `cause` is what ended it when that was a failure (`WriteTimeoutError`, `ReadTimeoutError`,
 * `FramingError`, a socket error).
 */
export class ConnectionClosedError extends Rx8583Error {
  /**
   * Whether the request had been handed to the socket before the link ended: `true` means the peer
   * may have received and acted on it (an authorization may need its reversal), `false` that it
   * certainly never left this process.
   */
  readonly written: boolean;

  constructor(message = 'connection closed', options?: { cause?: unknown; written?: boolean }) {
    super(message, options);
    this.written = options?.written ?? false;
  }
}

/**
 * Nothing arrived for `readTimeout` ms and `closeOnReadTimeout` is on: the link was closed. What
 * pending requests fail with as the `cause` of their `ConnectionClosedError`.
 */
export class ReadTimeoutError extends Rx8583Error {
  constructor(
    /** The timeout that passed, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`nothing received for ${timeout} ms: the peer is silent (readTimeout)`);
  }
}

/**
 * Dialing failed: refused, unreachable, TLS handshake or certificate verification failed, or the
 * attempt was aborted through the `signal`. `code` is Node's error code (`ECONNREFUSED`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`, ...) or `ABORT_ERR`.
 */
export class ConnectError extends Rx8583Error {
  constructor(
    /** `host:port` that was dialed. */
    readonly address: string,
    /** Node's error code for the failure, `ABORT_ERR` for an aborted attempt. */
    readonly code: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`connecting to ${address} failed: ${reason}`, options);
  }
}

/**
 * A server refused a client's TLS handshake: the client sent no certificate, or one the server
 * does not trust (reported on the server's `events$` as a `tlsError`). `code` is Node's code
 * (`SELF_SIGNED_CERT_IN_CHAIN`, `UNABLE_TO_GET_ISSUER_CERT`, `ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE`, ...).
 */
export class ClientCertificateError extends Rx8583Error {
  constructor(
    /** Node's error code for the refusal. */
    readonly code: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`TLS client refused: ${reason}`, options);
  }
}

/**
 * A request's correlation key could not be computed (e.g. field 11 missing, or a custom
 * `requestKey` threw). The message is not sent.
 */
export class RequestKeyError extends Rx8583Error {
  constructor(
    /** The MTI of the message whose key failed. */
    readonly mti: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot correlate message ${mti}: ${reason}`, options);
  }
}

/**
 * More inbound messages arrived before anyone subscribed to `inbound$` than the connection holds
 * (`inboundBufferSize`); the oldest held message was dropped.
 */
export class InboundOverflowError extends Rx8583Error {
  constructor(
    /** The bound that was exceeded. */
    readonly limit: number,
    /** MTI of the dropped message. */
    readonly droppedMti: string,
  ) {
    super(`inbound$ has no subscriber and holds ${limit} messages already: dropped the oldest (${droppedMti})`);
  }
}

/** A request with the same correlation key is already in flight on this connection. */
export class DuplicateRequestError extends Rx8583Error {
  constructor(readonly key: string) {
    super(`a request with key ${key} is already in flight on this connection`);
  }
}

/** The peer (or the application, through `reject`) refused a pending request. */
export class RejectedMessageError extends Rx8583Error {
  constructor(
    readonly key: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`request ${key} rejected: ${reason}`, options);
  }
}

/**
 * A `serve` handler gave back something that is not a reply: a value that is not a `Message`, or
 * a second value from its Observable (only the first is sent). Reported as a `handlerError`.
 */
export class HandlerResultError extends Rx8583Error {}

/**
 * A `serve` handler took longer than the `timeout` of `serve` for one request: reported as a
 * `handlerError`, the request answered by `failureReply`, and what the handler gives back later is
 * dropped.
 */
export class HandlerTimeoutError extends Rx8583Error {
  constructor(
    /** The timeout that expired, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`the handler gave no answer within ${timeout} ms`);
  }
}

/**
 * A message built for one spec was sent (or replied) on a link that speaks another: refused at
 * once, before anything is written.
 */
export class SpecMismatchError extends Rx8583Error {
  constructor(where: string, messageSpec: string, linkSpec: string) {
    super(
      `${where}: the message was built for spec '${messageSpec}', but this link speaks '${linkSpec}' (build it with the link's spec)`,
    );
  }
}

/** The byte stream cannot be split into frames (bad or oversize length header). Fatal to the link. */
export class FramingError extends Rx8583Error {
  constructor(
    message: string,
    /** Offset of the bad header in the connection's inbound byte stream. */
    readonly offset: number,
  ) {
    super(`framing error at stream offset ${offset}: ${message}`);
  }
}

/** The TCP connect (and TLS handshake, when TLS is on) did not finish in time. */
export class ConnectTimeoutError extends Rx8583Error {
  constructor(
    readonly address: string,
    readonly timeout: number,
  ) {
    super(`connecting to ${address} timed out after ${timeout} ms`);
  }
}

/**
 * A pool has no usable link: `get()` found none up and passing the filter, or `connect()` could
 * not bring up `minConnections` links (then `failures` says which address failed, and why).
 */
export class NoConnectionsError extends Rx8583Error {
  constructor(
    message: string,
    /** For a failed `connect()`: each address that could not be brought up, with its error. */
    readonly failures: ReadonlyArray<{ readonly address: string; readonly error: unknown }> = [],
  ) {
    super(message);
  }
}

/** The pool is closed or closing: it hands out no more links and makes no more connections. */
export class PoolClosedError extends Rx8583Error {
  constructor() {
    super('pool is closed');
  }
}

/**
 * A TLS client did not finish its handshake within the server's `handshakeTimeout`: the socket was
 * destroyed, freeing its slot (reported on the server's `events$` as a `tlsError`).
 */
export class TlsHandshakeTimeoutError extends Rx8583Error {
  constructor(
    /** `host:port` of the client. */
    readonly address: string,
    /** The timeout that expired, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`TLS client ${address} did not finish its handshake within ${timeout} ms: closed`);
  }
}

/**
 * The two ends of a link disagree about TLS: a plain-TCP client reached a TLS server, or a TLS
 * client a plain server. `peerSpeaks` says which the other end used.
 */
export class TlsMismatchError extends Rx8583Error {
  constructor(
    /** `host:port` of the other end. */
    readonly address: string,
    /** What the other end speaks. */
    readonly peerSpeaks: 'tls' | 'plain',
    reason: string,
  ) {
    super(`${address} ${reason}`);
  }
}
