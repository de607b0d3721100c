import { openJournal, type Journal } from '../journal/journal';

/** The highest STAN; the one after it is 000001 again (000000 is never issued). */
export const MAX_STAN = 999_999;

/** What `openStanGenerator` takes. */
export interface StanGeneratorOptions {
  /**
   * File that keeps the reserved blocks (created mode 0600, with a `.lock` beside it). Without it
   * the generator lives in memory only and starts at 000001 on every start.
   */
  file?: string;
  /**
   * Numbers reserved with one disk write (fdatasync'd before the first of them is handed out).
   * After a crash the unused rest of the block is skipped, never reissued. Default 1 000.
   */
  blockSize?: number;
}

/** One record of the STAN file: scope `s` resumes at `n` (its block up to `n` may be spent). */
interface ReservationRecord {
  s: string;
  n: number;
}

interface ScopeState {
  next: number;
  limit: number;
}

/**
 * System trace audit numbers (field 11): 000001 to 999999, then 000001 again, one sequence per
 * scope (the default scope `''`, or one per terminal id or link). Durable when given a file: a
 * block of numbers is reserved on disk before any of them is handed out, so after a restart or a
 * crash no number of the current cycle is issued twice — the cost is one write per block.
 */
export class StanGenerator {
  readonly #journal: Journal<ReservationRecord> | undefined;
  readonly #blockSize: number;
  readonly #scopes = new Map<string, ScopeState>();

  /** @internal Use {@link openStanGenerator}. */
  constructor(journal: Journal<ReservationRecord> | undefined, blockSize: number, resume: Map<string, number>) {
    this.#journal = journal;
    this.#blockSize = blockSize;
    for (const [scope, next] of resume) this.#scopes.set(scope, { next, limit: next });
  }

  /**
   * The next STAN of `scope` as six digits. Synchronous: at a block boundary it blocks for one
   * write and fdatasync of the reservation (once every `blockSize` calls).
   */
  next(scope = ''): string {
    let state = this.#scopes.get(scope);
    if (state === undefined) this.#scopes.set(scope, (state = { next: 1, limit: 1 }));
    if (state.next > MAX_STAN) state.next = state.limit = 1;
    if (state.next >= state.limit) {
      const limit = Math.min(state.next + this.#blockSize, MAX_STAN + 1);
      this.#journal?.appendSync({ s: scope, n: limit });
      state.limit = limit;
    }
    const stan = state.next++;
    return String(stan).padStart(6, '0');
  }

  /** Closes the file and releases its lock. The generator must not be used afterwards. */
  async close(): Promise<void> {
    await this.#journal?.close();
  }
}

/**
 * Opens a STAN generator; with `file`, resumes every scope after the last block it reserved (and
 * compacts the file to one record per scope).
 *
 * @example
 * ```ts
 * const stans = await openStanGenerator({ file: '/var/lib/acquirer/stan', blockSize: 1_000 });
 * message.set(11, stans.next('TERM0001')); // '000001', then '000002', ...; never repeats after a restart
 * await stans.close();
 * ```
 */
export async function openStanGenerator(options: StanGeneratorOptions = {}): Promise<StanGenerator> {
  const blockSize = options.blockSize ?? 1_000;
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_STAN) {
    throw new RangeError(`openStanGenerator: blockSize must be an integer in 1..${MAX_STAN}, got ${String(blockSize)}`);
  }
  const resume = new Map<string, number>();
  if (options.file === undefined) return new StanGenerator(undefined, blockSize, resume);
  const { journal, records } = await openJournal<ReservationRecord>(options.file);
  for (const { s, n } of records) resume.set(s, n);
  if (records.length > resume.size) {
    await journal.rewrite([...resume].map(([s, n]) => ({ s, n })));
  }
  return new StanGenerator(journal, blockSize, resume);
}
