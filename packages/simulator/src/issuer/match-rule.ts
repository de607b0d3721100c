import type { Message } from '@rx8583/iso8583';
import type { RuleMatch } from './rules';

/** The field's value as text, or undefined when absent or not text. */
export function textOf(message: Message, field: number): string | undefined {
  const value = message.has(field) ? message.get(field) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The amount (4) in minor units, or undefined when absent. */
export function amountOf(message: Message): number | undefined {
  const text = textOf(message, 4);
  return text === undefined ? undefined : Number(text);
}

function mtiMatches(pattern: string, mti: string): boolean {
  for (let i = 0; i < 4; i++) if (pattern[i] !== 'x' && pattern[i] !== mti[i]) return false;
  return true;
}

/** Whether a PAN meets any of the conditions (a prefix, or a range over its first digits). */
export function panMatches(conditions: NonNullable<RuleMatch['pan']>, pan: string): boolean {
  return conditions.some((condition) => {
    if (typeof condition === 'string') return pan.startsWith(condition);
    const head = pan.slice(0, condition.from.length);
    return head.length === condition.from.length && head >= condition.from && head <= condition.to;
  });
}

/**
 * Whether every condition of `match` holds for `request`. A condition on a field the request lacks
 * does not hold (a rule for BIN 4111 never matches a message without a PAN).
 *
 * @example
 * ```ts
 * matchesRule({ mti: '01x0', amount: { min: 10_000 } }, request);
 * ```
 */
export function matchesRule(match: RuleMatch | undefined, request: Message): boolean {
  if (match === undefined) return true;
  const { mti, processingCode, pan, amount, terminal, currency, fields } = match;
  if (mti && !(mti as string[]).some((p) => mtiMatches(p, request.mti))) return false;
  if (processingCode) {
    const code = textOf(request, 3);
    if (code === undefined || !(processingCode as string[]).some((p) => code.startsWith(p))) return false;
  }
  if (pan) {
    const value = textOf(request, 2);
    if (value === undefined || !panMatches(pan, value)) return false;
  }
  if (amount) {
    const value = amountOf(request);
    if (value === undefined) return false;
    if (amount.min !== undefined && value < amount.min) return false;
    if (amount.max !== undefined && value > amount.max) return false;
  }
  if (terminal) {
    const value = textOf(request, 41)?.trimEnd();
    if (value === undefined || !(terminal as string[]).includes(value)) return false;
  }
  if (currency) {
    const value = textOf(request, 49);
    if (value === undefined || !(currency as string[]).includes(value)) return false;
  }
  if (fields?.present && !fields.present.every((n) => request.has(n))) return false;
  if (fields?.absent && fields.absent.some((n) => request.has(n))) return false;
  return true;
}
