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

/** A test of one MTI pattern: plain equality, or the fixed digits of a pattern with `x`. */
function mtiTest(pattern: string): (mti: string) => boolean {
  if (!pattern.includes('x')) return (mti) => mti === pattern;
  const fixed = [...pattern].flatMap((digit, i) => (digit === 'x' ? [] : [[i, digit] as const]));
  return (mti) => fixed.every(([i, digit]) => mti[i] === digit);
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Whether a PAN meets any of the conditions (a prefix, or a range over its first digits). */
export function panMatches(conditions: NonNullable<RuleMatch['pan']>, pan: string): boolean {
  return conditions.some((condition) => {
    if (typeof condition === 'string') return pan.startsWith(condition);
    const head = pan.slice(0, condition.from.length);
    return head.length === condition.from.length && head >= condition.from && head <= condition.to;
  });
}

/** A compiled `match`: whether a request meets it. */
export type RequestTest = (request: Message) => boolean;

/**
 * Compiles `match` once into a test of requests: each condition given becomes one check, its
 * lists turned into sets and MTI patterns into comparisons beforehand, so a request costs only the
 * checks its rule has (none for a rule without `match`). A condition on a field the request lacks
 * does not hold (a rule for BIN 4111 never matches a message without a PAN).
 *
 * @example
 * ```ts
 * const bigPurchases = compileMatch({ mti: '02x0', amount: { min: 10_000 } });
 * bigPurchases(request); // true or false
 * ```
 */
export function compileMatch(match: RuleMatch | undefined): RequestTest {
  if (match === undefined) return () => true;
  const checks: RequestTest[] = [];
  const { mti, processingCode, pan, amount, terminal, currency, fields } = match;
  if (mti !== undefined) {
    const tests = asList(mti).map(mtiTest);
    checks.push(tests.length === 1 ? (r) => tests[0]!(r.mti) : (r) => tests.some((test) => test(r.mti)));
  }
  if (processingCode !== undefined) {
    const prefixes = asList(processingCode);
    checks.push((r) => {
      const code = textOf(r, 3);
      return code !== undefined && prefixes.some((prefix) => code.startsWith(prefix));
    });
  }
  if (pan !== undefined) {
    checks.push((r) => {
      const value = textOf(r, 2);
      return value !== undefined && panMatches(pan, value);
    });
  }
  if (amount !== undefined) {
    const { min = -Infinity, max = Infinity } = amount;
    checks.push((r) => {
      const value = amountOf(r);
      return value !== undefined && value >= min && value <= max;
    });
  }
  if (terminal !== undefined) {
    const terminals = new Set(asList(terminal));
    checks.push((r) => {
      const value = textOf(r, 41)?.trimEnd();
      return value !== undefined && terminals.has(value);
    });
  }
  if (currency !== undefined) {
    const currencies = new Set(asList(currency));
    checks.push((r) => {
      const value = textOf(r, 49);
      return value !== undefined && currencies.has(value);
    });
  }
  const present = fields?.present ?? [];
  const absent = fields?.absent ?? [];
  if (present.length > 0) checks.push((r) => present.every((n) => r.has(n)));
  if (absent.length > 0) checks.push((r) => !absent.some((n) => r.has(n)));
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  return (request) => {
    for (const check of checks) if (!check(request)) return false;
    return true;
  };
}

/**
 * Whether every condition of `match` holds for `request` (`compileMatch` once, for many requests).
 *
 * @example
 * ```ts
 * matchesRule({ mti: '01x0', amount: { min: 10_000 } }, request);
 * ```
 */
export function matchesRule(match: RuleMatch | undefined, request: Message): boolean {
  return compileMatch(match)(request);
}
