import { maskPan } from '@rx8583/iso8583';
import { RuleError } from '../errors';
import { readDocument, type JsonReader } from '../json-reader';

/**
 * What an issuer simulator answers, as plain data: a JSON file or a TypeScript object.
 *
 * @example
 * ```ts
 * const rules: IssuerRules = {
 *   rules: [
 *     { name: 'big amounts', match: { mti: '0100', amount: { min: 100_000 } }, respond: { code: '05' } },
 *     { name: 'test BIN slow', match: { pan: ['411111'] }, latency: { uniform: { min: 20, max: 80 } } },
 *   ],
 *   accounts: { timeZone: 'Europe/Berlin', cards: { '4111111111111111': { balance: 50_000, dailyLimit: 20_000 } } },
 * };
 * ```
 */
export interface IssuerRules {
  /** Checked in order; the first rule whose `match` holds applies. */
  rules?: Rule[];
  /** Response code (39) when no rule sets one and no account decides. Default `'00'`. */
  defaultCode?: string;
  /** Card accounts: balances and daily limits that approve or decline (51, 61) and that reversals restore. */
  accounts?: AccountsConfig;
  /** 0800/1804 answered (sign-on, echo, sign-off); `false` leaves them to the rules. Default on. */
  networkManagement?: false | NetworkManagementConfig;
  /** Requests on a link that has not signed on are answered 91. Default false. */
  requireSignOn?: boolean;
}

/** One rule: when `match` holds (every condition given), answer with `respond`, after `latency`, or fail by `fault`. */
export interface Rule {
  /** Named in logs and in validation errors. */
  name?: string;
  /** Conditions, all of which must hold; absent = every request. */
  match?: RuleMatch;
  /** The response code and field values; without `code`, accounts or `defaultCode` decide it. */
  respond?: { code?: string; fields?: Record<string, string> };
  /** Wait before answering. */
  latency?: Latency;
  /** Misbehave instead of (or on top of) answering. */
  fault?: Fault;
  /** Fraction of matching requests the rule applies to (0–1); the others go on to the next rule. Default 1. */
  probability?: number;
}

/** Conditions on the request. Lists match when any element does. */
export interface RuleMatch {
  /** MTIs; `x` matches any digit: `'0100'`, `'02x0'`, `['0100', '0200']`. */
  mti?: string | string[];
  /** Prefixes of the processing code (3): `'00'` purchases, `'01'` cash, `'000000'`. */
  processingCode?: string | string[];
  /** PAN (2) prefixes — a BIN or a whole PAN — or inclusive ranges `{ from: '400000', to: '499999' }` over the PAN's first digits. */
  pan?: Array<string | { from: string; to: string }>;
  /** Amount (4) in minor units, inclusive bounds. */
  amount?: { min?: number; max?: number };
  /** Terminal ids (41), compared without trailing spaces. */
  terminal?: string | string[];
  /** Currency codes (49), e.g. `'840'`. */
  currency?: string | string[];
  /** Fields that must be present, and fields that must be absent (e.g. `present: [52]` for PIN transactions). */
  fields?: { present?: number[]; absent?: number[] };
}

/** How long to wait before answering, in milliseconds. */
export type Latency =
  { fixed: number } | { uniform: { min: number; max: number } } | { normal: { mean: number; stddev: number } };

/** Misbehaviour a rule can order. */
export type Fault =
  /** Never answer (the acquirer times out). */
  | { type: 'noAnswer' }
  /** Answer, but only after `delay` ms (usually past the acquirer's timeout: a late response). */
  | { type: 'answerAfter'; delay: number }
  /** Drop the link (destroy the socket) instead of answering. */
  | { type: 'close' }
  /** Send a frame that is not an ISO 8583 message instead of the answer. */
  | { type: 'garbage' }
  /** Send the answer twice. */
  | { type: 'duplicate' }
  /** Answer with another STAN (11) than the request's, so it matches nothing. */
  | { type: 'wrongStan' };

/** Card accounts kept by the issuer. Amounts in minor units of the card's currency. */
export interface AccountsConfig {
  /** IANA time zone in which the daily limit's day starts, e.g. `'America/New_York'`. Default `'UTC'`. */
  timeZone?: string;
  /** By PAN. Requests for PANs not listed are decided by the rules and `defaultCode`. */
  cards: Record<string, { balance: number; dailyLimit?: number }>;
}

/** Field 70 codes (ISO 8583:1987) answered by the issuer; 1804s are answered by field 24 (801 sign-on, 802 sign-off, 831 echo). */
export interface NetworkManagementConfig {
  /** Default `['001']`. */
  signOn?: string[];
  /** Default `['002']`. */
  signOff?: string[];
  /** Default `['301']`. */
  echo?: string[];
}

const FAULTS = ['noAnswer', 'answerAfter', 'close', 'garbage', 'duplicate', 'wrongStan'] as const;
const CODE = /^[0-9A-Za-z]{2}$/;

function error(path: string, message: string): RuleError {
  return new RuleError(path, message);
}

/**
 * Checks a rules document (parsed JSON or a TypeScript object) and returns it typed. Throws
 * `RuleError` naming the rule and the field: `rule 2 'big amounts': rules[2].match.amount.min must
 * be an integer ≥ 0, got the string '12.50'`. Unknown keys are refused with the closest known one.
 *
 * @example
 * ```ts
 * const rules = validateRules(JSON.parse(readFileSync('issuer.json', 'utf8')));
 * ```
 */
export function validateRules(document: unknown): IssuerRules {
  const root = readDocument(document, error, 'issuer');
  const top = root.object(['rules', 'defaultCode', 'accounts', 'networkManagement', 'requireSignOn']);
  const rules = root.optional('rules', (r) => r.array().map(readRule)) ?? [];
  const result: IssuerRules = { rules };
  if (top.defaultCode !== undefined)
    result.defaultCode = root.child('defaultCode').string(CODE, 'a 2-character response code');
  if (top.accounts !== undefined) result.accounts = readAccounts(root.child('accounts'));
  if (top.networkManagement !== undefined) {
    const nm = root.child('networkManagement');
    if (nm.value === false) result.networkManagement = false;
    else {
      nm.object(['signOn', 'signOff', 'echo']);
      const codes = (key: string) =>
        nm.optional(key, (r) => r.array().map((c) => c.string(/^\d{3}$/, 'a 3-digit code')));
      result.networkManagement = { signOn: codes('signOn'), signOff: codes('signOff'), echo: codes('echo') };
    }
  }
  if (top.requireSignOn !== undefined) result.requireSignOn = root.child('requireSignOn').boolean();
  return result;
}

function readRule(reader: JsonReader, index: number): Rule {
  const raw = reader.value as { name?: unknown } | null;
  const label = typeof raw?.name === 'string' ? `rule ${index} '${raw.name}': ` : `rule ${index}: `;
  const r = reader.within(label);
  r.object(['name', 'match', 'respond', 'latency', 'fault', 'probability']);
  const rule: Rule = {};
  if (r.has('name')) rule.name = r.child('name').string();
  if (r.has('match')) rule.match = readMatch(r.child('match'));
  if (r.has('respond')) {
    const respond = r.child('respond');
    respond.object(['code', 'fields']);
    rule.respond = {};
    if (respond.has('code')) rule.respond.code = respond.child('code').string(CODE, 'a 2-character response code');
    if (respond.has('fields')) {
      const fields = respond.child('fields');
      const values: Record<string, string> = {};
      for (const key of fields.keys()) {
        const n = Number(key);
        if (!Number.isInteger(n) || n < 2 || n > 128 || n === 39) {
          fields.child(key).fail('is not a field that can be set (2–128, and 39 is set by `code`)');
        }
        values[key] = fields.child(key).string();
      }
      rule.respond.fields = values;
    }
  }
  if (r.has('latency')) rule.latency = readLatency(r.child('latency'));
  if (r.has('fault')) rule.fault = readFault(r.child('fault'));
  if (r.has('probability'))
    rule.probability = r.child('probability').number({ min: 0, max: 1, what: 'a number from 0 to 1' });
  return rule;
}

function readMatch(m: JsonReader): RuleMatch {
  m.object(['mti', 'processingCode', 'pan', 'amount', 'terminal', 'currency', 'fields']);
  const strings = (key: string, pattern: RegExp, what: string) =>
    m.optional(key, (r) => r.oneOrMany().map((s) => s.string(pattern, what)));
  const match: RuleMatch = {};
  const mti = strings('mti', /^[0-9xX]{4}$/, "an MTI of 4 digits, 'x' for any digit");
  if (mti) match.mti = mti.map((s) => s.toLowerCase());
  const processingCode = strings('processingCode', /^\d{1,6}$/, 'a processing code prefix of 1–6 digits');
  if (processingCode) match.processingCode = processingCode;
  const terminal = strings('terminal', /^.{1,16}$/, 'a terminal id');
  if (terminal) match.terminal = terminal.map((t) => t.trimEnd());
  const currency = strings('currency', /^\d{3}$/, 'a 3-digit currency code');
  if (currency) match.currency = currency;
  if (m.has('pan')) match.pan = m.child('pan').array().map(readPanCondition);
  if (m.has('amount')) {
    const amount = m.child('amount');
    amount.object(['min', 'max']);
    const bound = (key: string) => amount.optional(key, (r) => r.number({ min: 0, integer: true }));
    match.amount = { min: bound('min'), max: bound('max') };
    if (match.amount.min !== undefined && match.amount.max !== undefined && match.amount.min > match.amount.max) {
      amount.fail('has min greater than max');
    }
  }
  if (m.has('fields')) {
    const fields = m.child('fields');
    fields.object(['present', 'absent']);
    const numbers = (key: string) =>
      fields.optional(key, (r) =>
        r.array().map((n) => n.number({ min: 2, max: 128, integer: true, what: 'a field number 2–128' })),
      );
    match.fields = { present: numbers('present'), absent: numbers('absent') };
  }
  return match;
}

/** A PAN condition: a prefix of digits, or an inclusive range `{ from, to }` of equally long prefixes. */
export function readPanCondition(p: JsonReader): string | { from: string; to: string } {
  if (typeof p.value === 'string') return p.string(/^\d{1,19}$/, 'a PAN prefix of 1–19 digits');
  p.object(['from', 'to']);
  const from = p.child('from').string(/^\d{1,19}$/, 'a PAN prefix of 1–19 digits');
  const to = p.child('to').string(/^\d{1,19}$/, 'a PAN prefix of 1–19 digits');
  if (from.length !== to.length) p.fail('must have from and to of the same number of digits');
  if (from > to) p.fail('has from greater than to');
  return { from, to };
}

function readLatency(l: JsonReader): Latency {
  const ms = (r: JsonReader) => r.number({ min: 0, what: 'a number of milliseconds ≥ 0' });
  const shape = l.object(['fixed', 'uniform', 'normal']);
  const kinds = Object.keys(shape);
  if (kinds.length !== 1) l.fail('must have exactly one of fixed, uniform, normal');
  if (kinds[0] === 'fixed') return { fixed: ms(l.child('fixed')) };
  if (kinds[0] === 'uniform') {
    const u = l.child('uniform');
    u.object(['min', 'max']);
    const min = ms(u.child('min'));
    const max = ms(u.child('max'));
    if (min > max) u.fail('has min greater than max');
    return { uniform: { min, max } };
  }
  const n = l.child('normal');
  n.object(['mean', 'stddev']);
  return { normal: { mean: ms(n.child('mean')), stddev: ms(n.child('stddev')) } };
}

function readFault(f: JsonReader): Fault {
  f.object(['type', 'delay']);
  const type = f.child('type').string();
  if (!(FAULTS as readonly string[]).includes(type))
    f.child('type').fail(`must be one of ${FAULTS.join(', ')}, got ${JSON.stringify(type)}`);
  if (type === 'answerAfter')
    return { type, delay: f.child('delay').number({ min: 0, what: 'a number of milliseconds ≥ 0' }) };
  if (f.has('delay')) f.child('delay').fail(`is only for the answerAfter fault`);
  return { type } as Fault;
}

function readAccounts(a: JsonReader): AccountsConfig {
  a.object(['timeZone', 'cards']);
  const timeZone = a.optional('timeZone', (r) => r.string());
  if (timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-CA', { timeZone });
    } catch {
      a.child('timeZone').fail(`is not a time zone this Node knows (an IANA name such as 'Europe/Berlin')`);
    }
  }
  const cardsReader = a.child('cards');
  const cards: AccountsConfig['cards'] = {};
  for (const pan of cardsReader.keys()) {
    // The path names the card masked: a rules file is test data, but error text still goes to logs.
    const card = cardsReader.child(pan);
    const masked = card.at(`${cardsReader.path}['${maskPan(pan)}']`);
    if (!/^\d{8,19}$/.test(pan)) masked.fail('must be keyed by a PAN of 8–19 digits');
    masked.object(['balance', 'dailyLimit']);
    const balance = masked.child('balance').number({ min: 0, integer: true, what: 'an integer ≥ 0 (minor units)' });
    const dailyLimit = masked.optional('dailyLimit', (r) =>
      r.number({ min: 0, integer: true, what: 'an integer ≥ 0 (minor units)' }),
    );
    cards[pan] = dailyLimit === undefined ? { balance } : { balance, dailyLimit };
  }
  return { timeZone, cards };
}
