/** One element of a TLV or BER-TLV composite value. */
export interface TlvElement {
  /** The tag: its characters for text tags, upper-case hex for binary and BER-TLV tags (`'9F02'`). */
  tag: string;
  /** The element's value, typed by the subfield spec of its tag (bytes when the tag is unknown). */
  value: FieldValue;
}

/** A positional composite value: subfield values by subfield id (`{ 1: 'A', 2: '0042' }`). */
export interface PositionalValue {
  [id: string]: FieldValue;
}

/** A composite value: positional subfields by id, or TLV elements in wire order (repeats kept). */
export type CompositeValue = PositionalValue | TlvElement[];

/**
 * A field value as a `Message` stores it: `string` for `string` and `numeric` fields (digits exactly
 * as on the wire), `Uint8Array` for `binary` fields, {@link CompositeValue} for composites.
 */
export type FieldValue = string | Uint8Array | CompositeValue;

/**
 * What `Message.set` accepts: a {@link FieldValue}, or a number or bigint for numeric fields, a hex
 * string for binary fields, and for TLV composites an object `{ [tag]: value }` (elements in key
 * order) as well as the array form.
 */
export type FieldInput =
  | string
  | number
  | bigint
  | Uint8Array
  | { [idOrTag: string]: FieldInput }
  | ReadonlyArray<{ tag: string; value: FieldInput }>;
