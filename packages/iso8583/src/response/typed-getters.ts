import { FieldTypeError, MissingFieldError } from '../errors';
import type { FieldValue } from '../values';

/** `value` of field `n` as text (string and numeric fields, the MTI); throws when absent or of another kind. */
export function asString(n: number, value: FieldValue | undefined): string {
  if (typeof value === 'string') return value;
  if (value === undefined) throw new MissingFieldError(n);
  throw new FieldTypeError(n, `holds ${kindName(value)}, not a string (use ${getterFor(value)}(${n}))`);
}

/** `value` of field `n` as bytes (binary fields); throws when absent or of another kind. */
export function asBytes(n: number, value: FieldValue | undefined): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value === undefined) throw new MissingFieldError(n);
  throw new FieldTypeError(n, `holds ${kindName(value)}, not bytes (use ${getterFor(value)}(${n}))`);
}

function kindName(value: FieldValue): string {
  if (typeof value === 'string') return 'text';
  if (value instanceof Uint8Array) return 'bytes';
  return Array.isArray(value) ? 'TLV elements' : 'subfields';
}

function getterFor(value: FieldValue): string {
  if (typeof value === 'string') return 'getString';
  return value instanceof Uint8Array ? 'getBytes' : 'get';
}
