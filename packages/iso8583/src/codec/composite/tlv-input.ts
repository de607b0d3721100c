import { PackError, type FieldPath } from '../../errors';
import type { FieldInput } from '../../values';
import { kindOf } from '../normalize';

/** One TLV element as `set` may give it; checked by {@link elementAt}. */
interface ElementInput {
  readonly tag: unknown;
  readonly value: unknown;
}

/**
 * Accepts TLV elements as an array of `{ tag, value }` (wire order, repeats allowed) or as an object
 * `{ [tag]: value }` (key order; note that JavaScript puts integer-like keys such as `'82'` first,
 * so use the array form when order matters). Returns them as an array; check each with
 * {@link elementAt}.
 */
export function elementsOf(input: FieldInput, path: FieldPath): readonly unknown[] {
  if (Array.isArray(input)) return input;
  if (typeof input === 'object' && input !== null && !(input instanceof Uint8Array))
    return Object.entries(input).map(([tag, value]) => ({ tag, value }));
  throw new PackError(path, `expected [{ tag, value }, ...] or { [tag]: value }, got ${kindOf(input)}`);
}

/** The element at `index` of {@link elementsOf}, checked to be `{ tag: string, value }` with a value. */
export function elementAt(elements: readonly unknown[], index: number, path: FieldPath): ElementInput {
  const element = elements[index] as ElementInput | null;
  // The common element, `{ tag: string, value }`, is taken with one test (field 55 is built per message).
  if (typeof element === 'object' && element !== null && typeof element.tag === 'string' && element.value != null)
    return element;
  if (typeof element !== 'object' || element === null || !('tag' in element) || !('value' in element))
    throw new PackError(path, `element ${index} must be { tag, value }, got ${kindOf(element)}`);
  if (typeof element.tag !== 'string') throw new PackError(path, `a tag must be a string, got ${kindOf(element.tag)}`);
  if (element.value === undefined || element.value === null)
    throw new PackError(`${path}.${element.tag}`, 'the value is missing');
  return element;
}
