import { PackError, type FieldPath } from '../../errors';
import type { FieldInput, TlvElement } from '../../values';
import { kindOf } from '../normalize';

/**
 * Accepts TLV elements as an array of `{ tag, value }` (wire order, repeats allowed) or as an object
 * `{ [tag]: value }` (key order; note that JavaScript puts integer-like keys such as `'82'` first,
 * so use the array form when order matters). Returns the elements with tags passed through
 * `normalizeTag` and values through `normalizeValue`.
 */
export function normalizeTlvInput(
  input: FieldInput,
  path: FieldPath,
  normalizeTag: (tag: string) => string,
  normalizeValue: (tag: string, value: FieldInput) => TlvElement['value'],
): TlvElement[] {
  let pairs: Array<[unknown, unknown]>;
  if (Array.isArray(input)) {
    pairs = input.map((element: unknown, index) => {
      if (typeof element !== 'object' || element === null || !('tag' in element) || !('value' in element)) {
        throw new PackError(path, `element ${index} must be { tag, value }, got ${kindOf(element)}`);
      }
      return [element.tag, element.value];
    });
  } else if (typeof input === 'object' && input !== null && !(input instanceof Uint8Array)) {
    pairs = Object.entries(input);
  } else {
    throw new PackError(path, `expected [{ tag, value }, ...] or { [tag]: value }, got ${kindOf(input)}`);
  }
  return pairs.map(([rawTag, rawValue]) => {
    if (typeof rawTag !== 'string') throw new PackError(path, `a tag must be a string, got ${kindOf(rawTag)}`);
    const tag = normalizeTag(rawTag);
    if (rawValue === undefined || rawValue === null) throw new PackError(`${path}.${tag}`, 'the value is missing');
    return { tag, value: normalizeValue(tag, rawValue as FieldInput) };
  });
}
