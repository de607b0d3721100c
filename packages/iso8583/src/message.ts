import { compileSpec, type CompiledSpec } from './codec/compile-spec';
import { describe } from './describe';
import { PackError } from './errors';
import { packMessage } from './pack';
import { fillResponse, type ResponseFields } from './response/to-response';
import { asBytes, asString } from './response/typed-getters';
import type { MessageSpec } from './spec/types';
import type { UnpackedInput } from './unpack';
import type { FieldInput, FieldValue } from './values';

/** What a new {@link Message} starts with. */
export interface MessageInit {
  /** The message type indicator, e.g. `'0100'`. */
  mti?: string;
  /** Field values by number, as `set` accepts them. */
  fields?: { [field: number]: FieldInput };
}

/** A value as a message holds it: a number stands for a field unpacked but not built yet (its data start). */
type HeldValue = FieldValue | number | undefined;

// Set by `messageWithValues` for the constructor to adopt instead of starting empty (variables, not
// an object: unpack allocates nothing it does not return).
let adoptedValues: HeldValue[] | undefined;
let adoptedCompiled: CompiledSpec | undefined;
let adoptedInput: UnpackedInput | undefined;

/**
 * An ISO 8583 message of a given spec: an MTI and field values. Numeric values are digit strings
 * exactly as on the wire (`set` also takes numbers and bigints and zero-fills fixed numerics),
 * binary values are `Uint8Array`, composite values are plain objects and arrays (see `FieldValue`).
 * `console.log(message)` prints the masked `describe` output, never raw card data.
 *
 * @example
 * ```ts
 * const m = new Message(spec87ascii, { mti: '0100', fields: { 2: '4111111111111111', 3: '000000', 4: 1500, 11: 1 } });
 * m.get(4);                       // '000000001500'
 * m.set(41, 'TERM0001').has(41);  // true
 * const bytes = m.pack();         // Uint8Array (a Buffer)
 * ```
 */
export class Message {
  /** The spec this message is packed and unpacked with. */
  readonly spec: MessageSpec;
  readonly #compiled: CompiledSpec;
  // Sparse by field number; index 0 holds the MTI.
  #values: HeldValue[];
  // The checked input of an unpacked message, that its pending values are built from.
  readonly #input: UnpackedInput | undefined;

  /** Creates a message; the spec is validated (and frozen) on first use. Throws `PackError` for a bad value. */
  constructor(spec: MessageSpec, init?: MessageInit) {
    this.spec = spec;
    if (adoptedValues !== undefined) {
      // unpack's or clone's message: the spec is compiled and the values made already.
      this.#compiled = adoptedCompiled!;
      this.#values = adoptedValues;
      this.#input = adoptedInput;
      adoptedValues = adoptedCompiled = adoptedInput = undefined;
      return;
    }
    this.#compiled = compileSpec(spec);
    this.#values = [];
    this.#input = undefined;
    if (init === undefined) return;
    if (init.mti !== undefined) this.set(0, init.mti);
    if (init.fields !== undefined) {
      for (const [key, value] of Object.entries(init.fields)) this.set(Number(key), value);
    }
  }

  /** The message type indicator (field 0); `''` until one is set (`has(0)` tells). */
  get mti(): string {
    return (this.get(0) as string | undefined) ?? '';
  }

  set mti(mti: string) {
    this.set(0, mti);
  }

  /** The value of field `n` (`get(0)` is the MTI), or `undefined` when absent. */
  get(n: number): FieldValue | undefined {
    const value = this.#values[n];
    return typeof value === 'number' ? this.#build(n, value) : value;
  }

  /**
   * The text of field `n` (a string or numeric field; `getString(0)` is the MTI). Throws
   * `MissingFieldError` when the field is absent and `FieldTypeError` when it holds bytes or subfields.
   */
  getString(n: number): string {
    return asString(n, this.get(n));
  }

  /** The bytes of binary field `n`. Throws `MissingFieldError` when absent, `FieldTypeError` for text or subfields. */
  getBytes(n: number): Uint8Array {
    return asBytes(n, this.get(n));
  }

  /**
   * A new message answering this request: the response MTI (function digit + 1, repeat flag
   * cleared: 0100 and 0101 → 0110, 0421 → 0430, 0800 → 0810, 1804 → 1814), the fields the spec
   * echoes for this MTI class (`spec.echo`; by default 2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49
   * for authorization and financial messages, those and 90 for reversals, 7, 11, 70 for network
   * management; never track data, PIN blocks, ICC data or MACs) copied, then `fields` set
   * (`undefined` removes an echoed field). Throws `PackError` (field 0) for a response or another
   * MTI that has no response.
   *
   * @example
   * ```ts
   * const response = request.toResponse({ 38: 'A1B2C3', 39: '00' }); // 0100 → 0110 with 2, 3, 4, 7, 11, 41, ... echoed
   * ```
   */
  toResponse(fields?: ResponseFields): Message {
    return fillResponse(this, new Message(this.spec), fields);
  }

  /**
   * Sets field `n` (0 = MTI) and returns the message. Numeric fields take digit strings, numbers and
   * bigints (fixed ones are zero-filled on the left); binary fields take bytes or a hex string;
   * TLV composites take `[{ tag, value }]` or `{ [tag]: value }`. Throws `PackError` for a field the
   * spec lacks or a value of the wrong kind; lengths and characters are checked by `pack`.
   */
  set(n: number, value: FieldInput): this {
    const codec = this.#codec(n);
    if (value === undefined || value === null)
      throw new PackError(n, 'the value is missing (use delete to remove a field)');
    this.#values[n] = codec.normalize(value);
    return this;
  }

  /** Whether field `n` is present (an empty value of a variable field is present). */
  has(n: number): boolean {
    return this.#values[n] !== undefined;
  }

  /** Removes field `n` and returns the message. */
  delete(n: number): this {
    if (n < this.#values.length) this.#values[n] = undefined;
    return this;
  }

  /** The data fields present (2 and up), ascending. */
  fieldNumbers(): number[] {
    const numbers: number[] = [];
    const values = this.#values;
    for (let n = 2; n < values.length; n++) if (values[n] !== undefined) numbers.push(n);
    return numbers;
  }

  /** Packs the message into a new `Buffer` (a `Uint8Array`); throws `PackError`. */
  pack(): Uint8Array {
    const values = this.#values;
    if (this.#input !== undefined) for (let n = 0; n < values.length; n++) this.get(n);
    return packMessage(this.#compiled, values as ReadonlyArray<FieldValue | undefined>);
  }

  /**
   * The exact bytes `unpack` read this message from (a fresh copy each call), or `undefined` for a
   * message built with `new Message`. They stay those bytes after `set` or `delete`, and a `clone`
   * keeps them: what checking a MAC over the received message needs.
   *
   * @example
   * ```ts
   * const m = unpack(spec87ascii, frame);
   * Buffer.from(m.rawBytes()!).equals(frame); // true
   * ```
   */
  rawBytes(): Uint8Array | undefined {
    return this.#input === undefined ? undefined : Buffer.from(this.#input.text, 'latin1');
  }

  /** A deep copy: changing one message (or its byte and composite values) never changes the other. */
  clone(): Message {
    return messageWithValues(this.#compiled, this.#values.map(deepCopy), this.#input);
  }

  /** `console.log` and `util.inspect` show the masked {@link describe} output, never raw card data. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Message (${this.spec.name})\n${describe(this)}`;
  }

  /** Builds (once) the value of field `n` of an unpacked message, whose data starts at `start`. */
  #build(n: number, start: number): FieldValue {
    const input = this.#input!;
    const value = this.#compiled.fields[n]!.decodeChecked(input, start, input.units[n]!);
    this.#values[n] = value;
    return value;
  }

  #codec(n: number) {
    if (!Number.isInteger(n) || n < 0 || n > 128) throw new PackError(String(n), 'field numbers are 0..128');
    if (n === 1) throw new PackError(1, 'the bitmap is computed when packing');
    const codec = this.#compiled.fields[n];
    if (codec === undefined) throw new PackError(n, `the spec '${this.spec.name}' does not define this field`);
    return codec;
  }
}

/** Builds a message around values (used by `unpack`: numbers are fields to build from `input`). */
export function messageWithValues(compiled: CompiledSpec, values: HeldValue[], input?: UnpackedInput): Message {
  adoptedValues = values;
  adoptedCompiled = compiled;
  adoptedInput = input;
  return new Message(compiled.spec);
}

function deepCopy<T extends HeldValue>(value: T): T {
  if (value === undefined || typeof value === 'string' || typeof value === 'number') return value;
  if (value instanceof Uint8Array) return value.slice() as T;
  if (Array.isArray(value)) return value.map(({ tag, value: v }) => ({ tag, value: deepCopy(v) })) as T;
  return Object.fromEntries(Object.entries(value).map(([id, v]) => [id, deepCopy(v)])) as T;
}
