import { promises as fs, fdatasyncSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { JournalError, StoreClosedError } from '../errors';
import { PRIVATE_FILE_MODE, ensureDirectory, fsyncDirectory, isCode, replaceFile } from './files';
import { acquireLock, type FileLock } from './lock';
import { encodeRecord, scanRecords } from './records';

/** What `openJournal` found in the file. */
export interface JournalRecovery<T> {
  /** The good records, oldest first. */
  records: T[];
  /** Bytes of a torn tail that were cut off (0 when the file ended on a whole record). */
  cutBytes: number;
}

/**
 * An append-only file of JSON records, each framed with its length and CRC-32, written by one
 * process at a time (a lock file beside it). `append` resolves once the record is on disk: the
 * records of one tick share one write and one fdatasync (group commit), so a burst of appends
 * costs one disk flush, not one each.
 */
export class Journal<T> {
  readonly #file: string;
  readonly #lock: FileLock;
  #handle: fs.FileHandle;
  #size: number;
  // Records waiting for the next flush, and the callers waiting for them.
  #batch: Buffer[] = [];
  #waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  #flushScheduled = false;
  // The write in progress (a flush or a rewrite): the next one starts after it.
  #writing: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #closed = false;

  /** @internal Use {@link openJournal}. */
  constructor(file: string, lock: FileLock, handle: fs.FileHandle, size: number) {
    this.#file = file;
    this.#lock = lock;
    this.#handle = handle;
    this.#size = size;
  }

  /** The journal file. */
  get path(): string {
    return this.#file;
  }

  /** Bytes in the file, including records still being flushed. */
  get size(): number {
    return this.#size;
  }

  /** Appends a record; resolves when it is on disk (fdatasync'd). */
  append(record: T): Promise<void> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    const bytes = encodeRecord(Buffer.from(JSON.stringify(record)));
    this.#size += bytes.length;
    this.#batch.push(bytes);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // setImmediate rather than a microtask: appends issued from several promise callbacks of
        // the same turn (one per resolved enqueue) still land in one batch.
        setImmediate(() => this.#scheduleFlush());
      }
    });
  }

  /**
   * Appends a record and flushes it before returning, blocking the event loop for one write and
   * one fdatasync (for rare records that must be durable before a synchronous call returns, such
   * as a STAN block reservation). Must not be mixed with pending `append`s.
   */
  appendSync(record: T): void {
    const refused = this.#refusal();
    if (refused) throw refused;
    if (this.#batch.length > 0) throw new Error('appendSync: asynchronous appends are pending');
    const bytes = encodeRecord(Buffer.from(JSON.stringify(record)));
    writeSync(this.#handle.fd, bytes);
    fdatasyncSync(this.#handle.fd);
    this.#size += bytes.length;
  }

  /**
   * Replaces the whole journal with `records` (compaction): written to a temporary file, fsync'd,
   * renamed over the journal, directory fsync'd. Appends made before the call are flushed first;
   * appends made after it go to the new file.
   */
  rewrite(records: readonly T[]): Promise<void> {
    const refused = this.#refusal();
    if (refused) return Promise.reject(refused);
    this.#flushNow();
    const contents = Buffer.concat(records.map((r) => encodeRecord(Buffer.from(JSON.stringify(r)))));
    const done = this.#serially(async () => {
      await this.#handle.close();
      await replaceFile(this.#file, contents);
      this.#handle = await fs.open(this.#file, 'a', PRIVATE_FILE_MODE);
    });
    this.#size = contents.length;
    return done;
  }

  /** Flushes pending appends, closes the file and releases the lock. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flushNow();
    this.#closed = true;
    await this.#writing.catch(() => undefined);
    await this.#handle.close().catch(() => undefined);
    await this.#lock.release();
  }

  #refusal(): Error | undefined {
    if (this.#closed) return new StoreClosedError(`journal ${this.#file}`);
    return this.#failure;
  }

  #scheduleFlush(): void {
    this.#flushScheduled = false;
    this.#flushNow();
  }

  /** Starts writing the current batch (after any write in progress). */
  #flushNow(): void {
    if (this.#batch.length === 0) return;
    const bytes = Buffer.concat(this.#batch);
    const waiters = this.#waiters;
    this.#batch = [];
    this.#waiters = [];
    this.#serially(async () => {
      await this.#handle.write(bytes);
      await this.#handle.datasync();
    }).then(
      () => waiters.forEach((w) => w.resolve()),
      (error: Error) => waiters.forEach((w) => w.reject(error)),
    );
  }

  #serially(step: () => Promise<void>): Promise<void> {
    const run = this.#writing.then(() => {
      if (this.#failure) throw this.#failure;
      return step();
    });
    // A failed write may have left part of a record on disk: refuse everything after it, so no
    // record is ever written behind a torn one (recovery would cut it off with the tail).
    this.#writing = run.catch((error: Error) => {
      this.#failure ??= new JournalError(this.#file, this.#size, 'a write failed; the journal is closed to appends', {
        cause: error,
      });
    });
    return run.catch(() => {
      throw this.#failure!;
    });
  }
}

/**
 * Opens (creating when missing, mode 0600) the journal `file` for this process: takes its lock
 * (`<file>.lock`, see `acquireLock`), reads every good record, cuts off a torn tail left by a crash
 * (truncated and fsync'd), and returns the journal ready for appends.
 *
 * @example
 * ```ts
 * const { journal, records, cutBytes } = await openJournal<MyRecord>('/var/lib/acquirer/saf.journal');
 * await journal.append({ type: 'enqueued', id: 1 });
 * await journal.close();
 * ```
 */
export async function openJournal<T>(file: string): Promise<{ journal: Journal<T> } & JournalRecovery<T>> {
  await ensureDirectory(path.dirname(file));
  const lock = await acquireLock(`${file}.lock`);
  try {
    const bytes = await fs.readFile(file).catch((error: unknown) => {
      if (isCode(error, 'ENOENT')) return Buffer.alloc(0);
      throw error;
    });
    const { payloads, goodLength } = scanRecords(bytes);
    const records = payloads.map((payload, index) => {
      try {
        return JSON.parse(payload.toString('utf8')) as T;
      } catch (error) {
        throw new JournalError(file, offsetOf(payloads, index), 'record passes its CRC but is not JSON', {
          cause: error,
        });
      }
    });
    const handle = await fs.open(file, 'a', PRIVATE_FILE_MODE);
    try {
      await handle.chmod(PRIVATE_FILE_MODE);
      if (goodLength < bytes.length) {
        await handle.truncate(goodLength);
        await handle.sync();
      }
      if (bytes.length === 0) await fsyncDirectory(path.dirname(file));
    } catch (error) {
      await handle.close();
      throw error;
    }
    return { journal: new Journal<T>(file, lock, handle, goodLength), records, cutBytes: bytes.length - goodLength };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

function offsetOf(payloads: Buffer[], index: number): number {
  let offset = 0;
  for (let i = 0; i < index; i++) offset += 8 + payloads[i]!.length;
  return offset;
}
