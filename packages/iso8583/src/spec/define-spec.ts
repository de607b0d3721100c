import { SpecError } from '../errors';
import { validateEcho } from './echo-sets';
import type { MessageSpec } from './types';
import { validateField } from './validate-field';

const MAX_FIELD = 128;

const definedSpecs = new WeakSet<object>();

/** Whether `spec` has been through {@link defineSpec} already. */
export function isDefinedSpec(spec: MessageSpec): boolean {
  return definedSpecs.has(spec);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates a message spec and returns the same object, deeply frozen (specs are compiled once and
 * cached, so they must not change afterwards). A bad spec is refused with a {@link SpecError} that
 * names the field and the problem, e.g. `field 35: prefix.digits must be 1..6, got 9`.
 *
 * @example
 * ```ts
 * const spec = defineSpec({
 *   name: 'Acme host',
 *   fields: {
 *     0: { type: 'numeric', length: 4, encoding: 'ascii' },
 *     1: { type: 'bitmap', length: 8, encoding: 'binary' },
 *     2: { type: 'numeric', length: 19, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' }, sensitive: 'pan' },
 *     11: { type: 'numeric', length: 6, encoding: 'ascii' },
 *   },
 * });
 * ```
 */
export function defineSpec<S extends MessageSpec>(spec: S): S & MessageSpec {
  if (definedSpecs.has(spec)) return spec;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new SpecError(undefined, 'a spec must be an object { name, fields, echo? }');
  for (const key of Object.keys(spec)) {
    if (key !== 'name' && key !== 'fields' && key !== 'echo') throw new SpecError(undefined, `unknown option '${key}'`);
  }
  if (typeof spec.name !== 'string' || spec.name === '')
    throw new SpecError(undefined, 'name must be a non-empty string');
  const fields = spec.fields as Record<string, unknown>;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw new SpecError(undefined, 'fields must be an object keyed by field number');
  for (const key of Object.keys(fields)) {
    if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) > MAX_FIELD) {
      throw new SpecError(undefined, `field keys must be numbers 0..${MAX_FIELD}, got '${key}'`);
    }
    const field = Number(key);
    validateField(field, fields[key], field === 0 ? 'mti' : field === 1 ? 'bitmap' : 'data');
  }
  if (fields['0'] === undefined) throw new SpecError(0, 'the spec must define field 0, the MTI');
  if (fields['1'] === undefined) throw new SpecError(1, 'the spec must define field 1, the bitmap');
  const bitmap = fields['1'] as { blocks?: number };
  if (bitmap.blocks === 1) {
    const beyond = Object.keys(fields).find((key) => Number(key) > 64);
    if (beyond !== undefined) throw new SpecError(1, `a one-block bitmap cannot announce field ${beyond}`);
  }
  if (spec.echo !== undefined) validateEcho(spec.echo, fields);
  deepFreeze(spec);
  definedSpecs.add(spec);
  return spec;
}

/**
 * Builds a spec from JSON text or an already parsed object (which is copied, never frozen in
 * place), validating it like {@link defineSpec}.
 *
 * @example
 * ```ts
 * const spec = specFromJSON(fs.readFileSync('acme-host.json', 'utf8'));
 * ```
 */
export function specFromJSON(json: string | object): MessageSpec {
  let data: unknown;
  try {
    data = typeof json === 'string' ? JSON.parse(json) : JSON.parse(JSON.stringify(json));
  } catch (cause) {
    throw new SpecError(undefined, `not valid JSON (${(cause as Error).message})`, { cause });
  }
  return defineSpec(data as MessageSpec);
}
