import type { Message } from '@rx8583/iso8583';
import { amountOf, textOf } from './match-rule';
import type { AccountsConfig } from './rules';

/** What the accounts decided for a request: a response code, or nothing when the PAN has no account. */
export type AccountDecision = { code: string; reason: string } | undefined;

interface Card {
  balance: number;
  readonly dailyLimit: number;
  /** Amount approved per day (`YYYY-MM-DD` in the configured zone). */
  readonly spent: Map<string, number>;
}

interface Original {
  readonly pan: string;
  readonly amount: number;
  readonly day: string;
  readonly code: string;
  /** Amount still reversible; 0 once any reversal has been applied. */
  reversible: number;
  /** Recorded from an advice (a decision taken elsewhere), not from the issuer's own decision. */
  readonly advised?: boolean;
}

/** The original data elements (90) of a message: MTI (repeat flag cleared), STAN, 7, 32, 33. */
export function originalDataOf(message: Message): string {
  const mti = message.mti;
  const origin = Number(mti[3]);
  const zeros = (field: number, width: number) => (textOf(message, field) ?? '').padStart(width, '0').slice(-width);
  return `${mti.slice(0, 3)}${origin - (origin % 2)}${zeros(11, 6)}${zeros(7, 10)}${zeros(32, 11)}${zeros(33, 11)}`;
}

/** Field 90 of a reversal with the original MTI's repeat flag cleared, so a 0101's reversal finds it. */
export function originalDataIn(reversal: Message): string | undefined {
  const data = textOf(reversal, 90);
  if (data === undefined || data.length < 42) return undefined;
  const origin = Number(data[3]);
  return `${data.slice(0, 3)}${origin - (origin % 2)}${data.slice(4, 42)}`;
}

/**
 * Card accounts for an issuer simulator: balance and daily limit per PAN. Authorizations and
 * financial requests are declined 51 (insufficient funds) or 61 (over the daily limit), else
 * approved and debited. A reversal (04xx) finds its original by field 90 and restores the amount
 * only if the original was approved, only once however many repeats arrive, and, for a partial
 * reversal, only the difference to the actual amount in field 95.
 *
 * @example
 * ```ts
 * const accounts = new CardAccounts({ timeZone: 'Europe/Berlin', cards: { '4111111111111111': { balance: 10_000 } } });
 * accounts.authorize(request); // { code: '00', ... } or { code: '51', ... }
 * ```
 */
export class CardAccounts {
  readonly #cards = new Map<string, Card>();
  readonly #originals = new Map<string, Original>();
  readonly #day: Intl.DateTimeFormat;

  constructor(
    config: AccountsConfig,
    /** The clock; tests set it to cross midnight in the configured zone. */
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const [pan, { balance, dailyLimit }] of Object.entries(config.cards)) {
      this.#cards.set(pan, { balance, dailyLimit: dailyLimit ?? Infinity, spent: new Map() });
    }
    // en-CA formats dates as YYYY-MM-DD.
    this.#day = new Intl.DateTimeFormat('en-CA', { timeZone: config.timeZone ?? 'UTC', dateStyle: 'short' });
  }

  /** The balance of a PAN's account, or undefined when there is none. */
  balance(pan: string): number | undefined {
    return this.#cards.get(pan)?.balance;
  }

  /** Amount approved for the PAN on the current day (in the configured zone). */
  spentToday(pan: string): number {
    return this.#cards.get(pan)?.spent.get(this.#day.format(this.now())) ?? 0;
  }

  /**
   * Decides an authorization or financial request (x1x0, x2x0) for a PAN with an account; a repeat
   * (x1x1) of a request already decided gets the same answer without a second debit.
   */
  authorize(request: Message): AccountDecision {
    const pan = textOf(request, 2);
    const card = pan === undefined ? undefined : this.#cards.get(pan);
    const amount = amountOf(request) ?? 0;
    if (card === undefined || pan === undefined) return undefined;
    const key = originalDataOf(request);
    const earlier = this.#originals.get(key);
    if (earlier) return { code: earlier.code, reason: 'repeat of a request already decided' };
    const day = this.#day.format(this.now());
    const spent = card.spent.get(day) ?? 0;
    let decision: NonNullable<AccountDecision>;
    if (amount > card.balance) decision = { code: '51', reason: 'insufficient funds' };
    else if (spent + amount > card.dailyLimit) decision = { code: '61', reason: 'daily limit exceeded' };
    else {
      card.balance -= amount;
      card.spent.set(day, spent + amount);
      decision = { code: '00', reason: 'approved from the account' };
    }
    const approved = decision.code === '00';
    this.#originals.set(key, { pan, amount, day, code: decision.code, reversible: approved ? amount : 0 });
    return decision;
  }

  /**
   * Posts an advice (x120, x220) of a decision taken elsewhere (a switch's stand-in): an approval
   * (39 = 00) is debited whatever the balance — the money already went — and recorded as the
   * original (x100/x200) a later reversal refers to; a decline is recorded, nothing moves. The
   * advice's decision replaces the issuer's own for the same transaction (a switch that timed out
   * and stood in): an approval of it still standing is undone first. A repeat (x121, x221) of an
   * advice already posted changes nothing. Always answered 00.
   */
  advise(advice: Message): AccountDecision {
    const pan = textOf(advice, 2);
    const card = pan === undefined ? undefined : this.#cards.get(pan);
    if (card === undefined || pan === undefined) return undefined;
    const mti = advice.mti;
    const asOriginal = advice.clone();
    asOriginal.mti = `${mti.slice(0, 2)}0${mti[3]}`;
    const key = originalDataOf(asOriginal);
    const earlier = this.#originals.get(key);
    if (earlier?.advised) return { code: '00', reason: 'repeat of an advice already posted' };
    if (earlier) this.#restore(earlier, 0);
    const amount = amountOf(advice) ?? 0;
    const code = textOf(advice, 39)?.trimEnd() ?? '00';
    const day = this.#day.format(this.now());
    if (code === '00') {
      card.balance -= amount;
      card.spent.set(day, (card.spent.get(day) ?? 0) + amount);
    }
    this.#originals.set(key, { pan, amount, day, code, reversible: code === '00' ? amount : 0, advised: true });
    return { code: '00', reason: code === '00' ? 'advice posted' : 'declined advice recorded' };
  }

  /** Gives back what an approved original took, less `kept`; it can be reversed no more. Returns the amount given back. */
  #restore(original: Original, kept: number): number {
    const restored = Math.max(0, original.reversible - kept);
    const card = this.#cards.get(original.pan)!;
    card.balance += restored;
    card.spent.set(original.day, Math.max(0, (card.spent.get(original.day) ?? 0) - restored));
    original.reversible = 0;
    return restored;
  }

  /** Applies a reversal (04xx) to the original its field 90 names; undefined when that is not an account's request. */
  reverse(reversal: Message): AccountDecision {
    const key = originalDataIn(reversal);
    const original = key === undefined ? undefined : this.#originals.get(key);
    if (original === undefined) {
      const pan = textOf(reversal, 2);
      if (pan !== undefined && this.#cards.has(pan)) return { code: '25', reason: 'original not found' };
      return undefined;
    }
    if (original.code !== '00') return { code: '00', reason: 'original was declined: nothing to restore' };
    if (original.reversible === 0) return { code: '00', reason: 'already reversed' };
    const actual = textOf(reversal, 95);
    // Field 95 (replacement amounts) starts with the actual transaction amount, n12.
    const kept = actual === undefined ? 0 : Math.min(original.amount, Number(actual.slice(0, 12)) || 0);
    const restored = this.#restore(original, kept);
    return {
      code: '00',
      reason: kept > 0 ? `partially reversed: ${restored} restored` : `reversed: ${restored} restored`,
    };
  }
}
