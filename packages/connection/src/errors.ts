/**
 * Every error the connection layer produces. Each has a stable `name`, a message that says what
 * and where, an optional `cause`, and never carries card data (no field values in any text).
 */

/** Common base: lets callers catch any rx8583 connection failure with one `instanceof`. */
export class Rx8583Error extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No response arrived within the send timeout (counted from when the request was written). */
export class SendTimeoutError extends Rx8583Error {
  constructor(
    /** The correlation key of the request that timed out (MTI class, STAN, terminal id). */
    readonly key: string,
    /** The timeout that expired, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`no response for request ${key} within ${timeout} ms`);
  }
}

/** The connection is closing or closed, or failed while the request was pending. */
export class ConnectionClosedError extends Rx8583Error {
  constructor(message = 'connection closed', options?: { cause?: unknown }) {
    super(message, options);
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
