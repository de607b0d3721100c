import type { Message } from '@rx8583/iso8583';
import { amountOf } from '../issuer/match-rule';
import type { StandInRules } from './routing';

/** What the switch decided in the issuer's place. */
export interface StandInDecision {
  /** Response code (39). */
  code: string;
  /** Why, for logs: `under floor limit`, `above floor limit`, `PIN not verifiable`, `no stand-in`. */
  reason: string;
  /** Whether an advice carrying the decision goes to the issuer (not for `no stand-in`: nothing was decided). */
  advise: boolean;
}

/**
 * The stand-in decision for a request its issuer cannot answer: 91 where the route has no stand-in
 * rules; never an approval for a PIN transaction (the switch cannot verify the PIN block);
 * approval up to the floor limit, decline above it.
 *
 * @example
 * ```ts
 * standIn(request, { floorLimit: 5_000 }); // { code: '00', reason: 'under floor limit', advise: true }
 * ```
 */
export function standIn(request: Message, rules: StandInRules | undefined): StandInDecision {
  if (rules === undefined) return { code: '91', reason: 'no stand-in', advise: false };
  if (request.has(52)) return { code: rules.pinCode ?? '91', reason: 'PIN not verifiable', advise: true };
  const amount = amountOf(request) ?? 0;
  if (amount <= rules.floorLimit) return { code: '00', reason: 'under floor limit', advise: true };
  return { code: rules.declineCode ?? '05', reason: 'above floor limit', advise: true };
}
