import { PackError, type FieldPath } from '../errors';
import type { FieldInput } from '../values';

/** Names the kind of a value for an error message without showing the value. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Accepts a string for a text field. */
export function normalizeText(input: FieldInput, path: FieldPath): string {
  if (typeof input !== 'string') throw new PackError(path, `expected a string, got ${kindOf(input)}`);
  return input;
}

/** Accepts a digit string, a non-negative safe integer or a non-negative bigint for a numeric field. */
export function normalizeDigits(input: FieldInput, path: FieldPath): string {
  if (typeof input === 'string') return input;
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input < 0)
      throw new PackError(path, 'a number must be a non-negative safe integer');
    return String(input);
  }
  if (typeof input === 'bigint') {
    if (input < 0n) throw new PackError(path, 'a bigint must not be negative');
    return input.toString();
  }
  throw new PackError(path, `expected digits as a string, number or bigint, got ${kindOf(input)}`);
}

const HEX_PATTERN = /^(?:[0-9a-fA-F]{2})*$/;

/** Accepts bytes, or a string of hex digit pairs, for a binary field. */
export function normalizeBytes(input: FieldInput, path: FieldPath): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (typeof input === 'string') {
    if (!HEX_PATTERN.test(input)) throw new PackError(path, 'a string for a binary field must be hex digit pairs');
    return Uint8Array.from(Buffer.from(input, 'hex'));
  }
  throw new PackError(path, `expected bytes (Uint8Array) or a hex string, got ${kindOf(input)}`);
}
