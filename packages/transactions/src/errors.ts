/**
 * Every error @rx8583/transactions produces. Each has a stable `name`, a message that says what and
 * where (file, record offset, entry id), an optional `cause`, and never carries card data.
 */

/** Common base: lets callers catch any failure of this package with one `instanceof`. */
export class TransactionsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Another live process holds the single-writer lock of a journal or STAN file. A lock left by a
 * process that has died (its pid is gone, or now belongs to a process that started later) is
 * taken over instead, so this is only thrown while the owner runs.
 */
export class LockHeldError extends TransactionsError {
  constructor(
    /** The lock file. */
    readonly path: string,
    /** The pid of the process that holds it. */
    readonly pid: number,
  ) {
    super(`${path} is held by the running process ${pid}`);
  }
}

/** A journal file cannot be read as records: the failure names the file and the byte offset. */
export class JournalError extends TransactionsError {
  constructor(
    /** The journal file. */
    readonly path: string,
    /** Byte offset of the record that failed. */
    readonly offset: number,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${path} at offset ${offset}: ${problem}`, options);
  }
}

/** The store, journal or forwarder was closed: it takes no more work. */
export class StoreClosedError extends TransactionsError {
  constructor(what: string) {
    super(`${what} is closed`);
  }
}

/**
 * Stored card data cannot be restored: the PAN's ciphertext fails authentication under the key
 * (wrong key, or the file was altered), or the tokenizer cannot resolve a token.
 */
export class CardDataError extends TransactionsError {
  constructor(
    /** Field path of the protected value (`2`, `'55.5A'`). */
    readonly field: number | string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`field ${field}: ${problem}`, options);
  }
}
