import { SpecError } from '../errors';
import type { EchoFields, FieldSpec, MessageSpec, MtiClass } from './types';

/** MTI class names by the MTI's second digit; 0 and 9 (reserved, private) have none and use `default`. */
export const MTI_CLASSES: ReadonlyArray<MtiClass | undefined> = [
  undefined,
  'authorization',
  'financial',
  'fileAction',
  'reversal',
  'reconciliation',
  'administrative',
  'feeCollection',
  'networkManagement',
  undefined,
];

const AUTHORIZATION = [2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49];

/**
 * What a response echoes when the spec declares nothing: the request's identification (PAN,
 * processing code, amount, times, STAN, institutions, RRN, terminal and acceptor, currency) for
 * authorization and financial messages, those and the original data elements (90) for reversals,
 * transmission time, STAN and the network code for network management, and the matching fields
 * for the other classes.
 */
export const STANDARD_ECHO: Required<EchoFields> = {
  authorization: AUTHORIZATION,
  financial: AUTHORIZATION,
  fileAction: [7, 11, 32, 33, 37, 41, 42],
  reversal: [...AUTHORIZATION, 90],
  reconciliation: [7, 11, 32, 33, 37, 41, 42],
  administrative: [7, 11, 32, 33, 37, 41, 42],
  feeCollection: [7, 11, 32, 33, 37, 41, 42],
  networkManagement: [7, 11, 70],
  default: [7, 11, 32, 33, 37, 41, 42],
};

// Expiry, tracks, PIN block, ICC data and MACs belong to the request alone: a response that carried
// them back would leak card data or a MAC computed over other bytes.
const NEVER_ECHOED = new Set([14, 35, 45, 52, 55, 64, 128]);
const NEVER_ECHOED_SENSITIVITIES = new Set(['track', 'pin', 'secret']);
const ECHO_KEYS: readonly string[] = [...MTI_CLASSES.filter((name) => name !== undefined), 'default'];

/** The standard echo sets limited to the fields `fields` defines (what a spec without `echo` uses). */
export function standardEchoFor(fields: Readonly<Record<number, FieldSpec>>): Required<EchoFields> {
  const limited = {} as Record<keyof EchoFields, number[]>;
  for (const [key, list] of Object.entries(STANDARD_ECHO)) {
    limited[key as keyof EchoFields] = list.filter((n) => fields[n] !== undefined);
  }
  return limited;
}

/** Validates a spec's `echo` member against its fields; throws {@link SpecError} naming the list and field. */
export function validateEcho(echo: unknown, fields: Record<string, unknown>): void {
  if (typeof echo !== 'object' || echo === null || Array.isArray(echo))
    throw new SpecError(undefined, `echo must be an object of field lists by MTI class (${ECHO_KEYS.join(', ')})`);
  for (const [key, list] of Object.entries(echo)) {
    if (!ECHO_KEYS.includes(key))
      throw new SpecError(undefined, `echo: unknown MTI class '${key}', expected one of ${ECHO_KEYS.join(', ')}`);
    if (!Array.isArray(list)) throw new SpecError(undefined, `echo.${key} must be an array of field numbers`);
    const seen = new Set<number>();
    for (const n of list as unknown[]) {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > 128)
        throw new SpecError(undefined, `echo.${key}: field numbers are 2..128, got ${JSON.stringify(n)}`);
      if (seen.has(n)) throw new SpecError(n, `listed twice in echo.${key}`);
      seen.add(n);
      const spec = fields[String(n)] as { sensitive?: string } | undefined;
      if (spec === undefined) throw new SpecError(n, `echo.${key} lists it, but the spec does not define it`);
      if (NEVER_ECHOED.has(n) || NEVER_ECHOED_SENSITIVITIES.has(spec.sensitive ?? ''))
        throw new SpecError(n, `echo.${key} lists it, but a response never echoes card data, PIN blocks, keys or MACs`);
    }
  }
}

// Echo lists by MTI class digit (0..9), resolved once per spec.
const resolved = new WeakMap<MessageSpec, ReadonlyArray<readonly number[]>>();

/** The fields a response to a request of MTI class digit `classDigit` echoes under `spec`. */
export function echoFieldsFor(spec: MessageSpec, classDigit: number): readonly number[] {
  let lists = resolved.get(spec);
  if (lists === undefined) {
    const declared: EchoFields = spec.echo ?? {};
    const standard = standardEchoFor(spec.fields);
    lists = MTI_CLASSES.map(
      (name) => (name === undefined ? undefined : declared[name]) ?? declared.default ?? standard[name ?? 'default'],
    );
    resolved.set(spec, lists);
  }
  return lists[classDigit]!;
}
