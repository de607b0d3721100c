import { PackError, type FieldPath } from '../errors';
import type { FieldInput } from '../values';
import { hexNibble } from './hex';

/** Names the kind of a value for an error message without showing the value. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Accepts a string for a text field. */
export function prepareText(input: FieldInput, path: FieldPath): string {
  if (typeof input !== 'string') throw new PackError(path, `expected a string, got ${kindOf(input)}`);
  return input;
}

/** Accepts a digit string, a non-negative safe integer or a non-negative bigint for a numeric field. */
export function prepareDigits(input: FieldInput, path: FieldPath): string {
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

/** Accepts bytes, or a string of hex digit pairs (checked as it is written), for a binary field. */
export function prepareBytes(input: FieldInput, path: FieldPath): string | Uint8Array {
  if (input instanceof Uint8Array || typeof input === 'string') return input;
  throw new PackError(path, `expected bytes (Uint8Array) or a hex string, got ${kindOf(input)}`);
}

/** The bytes a prepared binary value holds: its length, or half the length of a hex string. */
export function byteUnitsOf(value: string | Uint8Array, path: FieldPath): number {
  if (typeof value !== 'string') return value.length;
  if ((value.length & 1) !== 0)
    throw new PackError(path, `a hex string needs an even number of characters, got ${value.length}`);
  return value.length >> 1;
}

/** The value of the hex digit at `index` of `hex`; throws `PackError` naming its position. */
export function hexDigitAt(hex: string, index: number, path: FieldPath): number {
  const code = hex.charCodeAt(index);
  const nibble = hexNibble(code);
  if (nibble < 0) throw new PackError(path, `character ${index + 1} is not a hex digit`);
  return nibble;
}
