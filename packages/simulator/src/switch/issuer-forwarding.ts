import type { Pool } from '@rx8583/connection';
import type { Message, MessageSpec } from '@rx8583/iso8583';
import {
  createAutoReversal,
  createStoreAndForward,
  openJournalStore,
  openStanGenerator,
  type AutoReversal,
  type ForwardEvent,
  type StanGenerator,
  type StoreAndForward,
} from '@rx8583/transactions';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import type { StoreAndForwardConfig } from './routing';

/**
 * The switch's one seam to `@rx8583/transactions`: STANs for issuer legs, durable
 * store-and-forward of stand-in advices (0120/0220) and reversals (0420) per issuer, and the
 * automatic reversal of a leg that timed out. Everything the switch hands the issuers outside a
 * live request/response goes through here.
 */
export interface IssuerForwarding {
  /** The next STAN for a leg to `issuer` (one sequence per issuer). */
  nextStan(issuer: string): string;
  /**
   * Sends a leg on the issuer's pool. When it times out, or its link dies after it was written,
   * its reversal (0420, field 90 = the leg's original data) is stored durably, then the error is
   * rethrown; the reversal is delivered and repeated (0421) until the issuer answers it.
   */
  sendLeg(issuer: string, leg: Message, timeout: number): Promise<Message>;
  /** Stores an advice or a reversal for `issuer`; resolves once it is on disk. Delivered in order, at least once. */
  queue(issuer: string, message: Message, kind: 'advice' | 'reversal'): Promise<void>;
  /** Deliveries, repeats and parkings of what was queued. */
  readonly events$: Observable<ForwardEvent>;
  /** Stops delivering (entries not delivered stay in the journal) and closes the journal. */
  close(): Promise<void>;
}

/** What {@link openIssuerForwarding} takes. */
export interface IssuerForwardingOptions {
  spec: MessageSpec;
  /** The pool of each issuer, by name. */
  pools: Readonly<Record<string, Pool>>;
  config?: StoreAndForwardConfig;
}

/**
 * Opens the journal (a temporary one unless configured), the store-and-forward with one
 * destination per issuer, and one automatic reversal per issuer.
 *
 * @example
 * ```ts
 * const forwarding = await openIssuerForwarding({ spec, pools: { visa: pool }, config: { journal: 'switch.journal' } });
 * ```
 */
export async function openIssuerForwarding(options: IssuerForwardingOptions): Promise<IssuerForwarding> {
  const { spec, pools, config = {} } = options;
  const path = config.journal ?? join(mkdtempSync(join(tmpdir(), 'rx8583-switch-')), 'advices.journal');
  const key = config.key ? Buffer.from(config.key, 'hex') : randomBytes(32);
  const store = await openJournalStore({ path });
  const retry = { initial: config.retry?.initial ?? 1_000, max: config.retry?.max ?? 30_000 };
  const destinations = Object.fromEntries(
    Object.entries(pools).map(([name, pool]) => [
      name,
      { target: pool, retry, responseTimeout: config.responseTimeout ?? 10_000, maxAttempts: Infinity },
    ]),
  );
  const saf: StoreAndForward = createStoreAndForward({ store, spec, cardData: { key }, destinations });
  const stans: StanGenerator = await openStanGenerator({ file: `${path}.stan` });
  const reversals = new Map<string, AutoReversal>(
    Object.keys(pools).map((name) => [
      name,
      createAutoReversal({ saf, destination: name, mti: '0420', stan: () => stans.next(name) }),
    ]),
  );
  return {
    nextStan: (issuer) => stans.next(issuer),
    sendLeg: (issuer, leg, timeout) => reversals.get(issuer)!.send(pools[issuer]!, leg, { timeout }),
    queue: async (issuer, message, kind) => {
      await saf.enqueue(issuer, message, { kind });
    },
    events$: saf.events$,
    async close() {
      for (const reversal of reversals.values()) reversal.close();
      await saf.close();
      await stans.close();
    },
  };
}
