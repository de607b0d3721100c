import { NoConnectionsError } from '../errors';

/** How far each address got on its first attempt. */
export type FirstAttempt = 'pending' | 'up' | 'failed';

/** What the gate needs to know about one address. */
export interface GateSlot {
  readonly address: string;
  readonly firstAttempt: FirstAttempt;
  readonly lastError: unknown;
  /** The slot has a link up right now. */
  readonly up: boolean;
}

/**
 * Decides when `connect()` settles: `'open'` once `minConnections` links are up, a
 * `NoConnectionsError` naming each failed address once that many can no longer come up from
 * first attempts still pending, otherwise `'wait'`.
 */
export function judgeConnect(minConnections: number, slots: readonly GateSlot[]): 'open' | 'wait' | NoConnectionsError {
  let up = 0;
  let pending = 0;
  for (const slot of slots) {
    if (slot.up) up += 1;
    else if (slot.firstAttempt === 'pending') pending += 1;
  }
  if (up >= minConnections) return 'open';
  if (up + pending >= minConnections) return 'wait';
  const failures = slots
    .filter((slot) => !slot.up && slot.firstAttempt !== 'pending')
    .map((slot) => ({ address: slot.address, error: slot.lastError }));
  const detail = failures.map(({ address, error }) => `${address} (${describe(error)})`).join(', ');
  return new NoConnectionsError(
    `pool needs ${minConnections} connection${minConnections === 1 ? '' : 's'}, established ${up}; failed: ${detail}`,
    failures,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
