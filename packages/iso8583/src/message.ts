import { compileSpec, type CompiledSpec } from './codec/compile-spec';
import { written } from './codec/field-codec';
import type { WireStore } from './codec/io';
import { describe, maskedContent, type MaskedContent } from './describe';
import {
  packField,
  packMessage,
  type PackSource,
  SEG,
  SEG_AT,
  SEG_DATA,
  SEG_END,
  SEG_N,
  SEG_UNITS,
  slotOf,
} from './pack';
import { acquireBuilder, type InitSlots, type MessageInit, NO_BYTES, writeInit, writeInput } from './message-init';
import { fillResponse, type ResponseFields } from './response/to-response';
import { asBytes, asString } from './response/typed-getters';
import type { MessageSpec } from './spec/types';
import type { FieldInput, FieldValue } from './values';

/** The parts of a message that `unpack` and `clone` hand to a new one (see {@link messageFromParts}). */
interface Parts {
  compiled: CompiledSpec;
  values: Array<FieldValue | undefined>;
  seg: number[];
  store: WireStore;
  stores: Array<WireStore | undefined> | undefined;
  /** See `Message.#whole`. */
  whole: boolean;
}

// Set by `messageFromParts` for the constructor to adopt instead of starting empty (a variable, not a
// constructor argument: the public constructor takes a spec and an init).
let adopted: Parts | undefined;
// Where the constructor has `writeInit` put a new message's slots (construction is synchronous).
const initSlots: InitSlots = { seg: [], values: [], store: NO_BYTES, whole: false };

export type { MessageInit };

/**
 * Copies fields of `from` into `to` (messages of one spec) as the bytes they are, without decoding
 * or checking them again: they were checked when set or unpacked. What `toResponse` echoes with.
 */
export let copyFields: (from: Message, to: Message, numbers: readonly number[]) => void;

/**
 * An ISO 8583 message of a given spec: an MTI and field values. Numeric values are digit strings
 * exactly as on the wire (`set` also takes numbers and bigints and zero-fills fixed numerics),
 * binary values are `Uint8Array`, composite values are plain objects and arrays (see `FieldValue`).
 *
 * Every value is checked when it is set — its kind, each character, its length — so `pack` never
 * fails on a value that `set` accepted. The message keeps each field as the bytes it is packed to:
 * a message from `unpack` packs every field nobody set to the exact bytes it arrived with.
 * `String(message)`, `console.log(message)` and `JSON.stringify(message)` show masked card data only.
 *
 * @example
 * ```ts
 * const m = new Message(spec87ascii, { mti: '0100', fields: { 2: '4111111111111111', 3: '000000', 4: 1500, 11: 1 } });
 * m.get(4);                       // '000000001500'
 * m.set(41, 'TERM0001').has(41);  // true
 * m.set(4, '12.50');              // PackError: field 4: character 3 is not a digit
 * const bytes = m.pack();         // Uint8Array (a Buffer)
 * ```
 */
export class Message {
  /** The spec this message is packed and unpacked with. */
  readonly spec: MessageSpec;
  readonly #compiled: CompiledSpec;
  // One slot a present field, in field number order (see pack.ts): SEG numbers in #seg (its number,
  // where its bytes start and end, its data start and units) and its value, once built or given.
  #seg: number[];
  #values: Array<FieldValue | undefined>;
  // The slot after the one last looked up: fields are mostly read in order, so it is the next one.
  #next = 0;
  // Where the fields' bytes are, unless #stores names another store for a field set later.
  #store: WireStore;
  #stores: Array<WireStore | undefined> | undefined;
  // Whether the message lies in #store exactly as it goes on the wire — MTI, bitmaps, fields one
  // after the other — with no byte or composite value handed out (which the caller may change in
  // place): what `new Message` and `unpack` make, packed as one copy. Cleared by any change.
  #whole: boolean;

  static {
    copyFields = (from, to, numbers) => from.#copyInto(to, numbers);
  }

  /**
   * Creates a message; the spec is validated (and frozen) on first use. Each value is checked as by
   * `set`; a bad one throws `PackError` naming the field and the position in the value.
   */
  constructor(spec: MessageSpec, init?: MessageInit) {
    this.spec = spec;
    if (adopted !== undefined) {
      // unpack's or clone's message: the spec is compiled and the fields are in place.
      const parts = adopted;
      adopted = undefined;
      this.#compiled = parts.compiled;
      this.#values = parts.values;
      this.#seg = parts.seg;
      this.#store = parts.store;
      this.#stores = parts.stores;
      this.#whole = parts.whole;
      return;
    }
    this.#compiled = compileSpec(spec);
    this.#stores = undefined;
    this.#whole = false;
    if (init === undefined || (init.mti === undefined && init.fields === undefined)) {
      this.#values = [];
      this.#seg = [];
      this.#store = NO_BYTES;
      return;
    }
    const slots = initSlots;
    writeInit(this.#compiled, init, slots);
    this.#seg = slots.seg;
    this.#values = slots.values;
    this.#store = slots.store;
    this.#whole = slots.whole;
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
    const slot = this.#slot(n);
    if (slot < 0 || n === 1) return undefined;
    return this.#values[slot] ?? this.#build(slot);
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
   * bigints (fixed ones are zero-filled on the left); binary fields take bytes (copied) or a hex
   * string; TLV composites take `[{ tag, value }]` or `{ [tag]: value }`. The value is checked now —
   * its kind, every character, its length — and refused with a `PackError` that names the field
   * and the position in the value as given (`field 4: character 3 is not a digit` for `'12.50'`).
   */
  set(n: number, value: FieldInput): this {
    const builder = acquireBuilder();
    const w = builder.writer;
    w.begin();
    try {
      writeInput(this.#compiled, n, value, w);
    } catch (error) {
      w.abort();
      throw error;
    } finally {
      builder.busy = false;
    }
    this.#place(n, w.start, w.pos, written.data, written.units, written.value, w.store);
    w.commit();
    return this;
  }

  /** Whether field `n` is present (an empty value of a variable field is present). */
  has(n: number): boolean {
    return n !== 1 && this.#slot(n) >= 0;
  }

  /** The slot of field `n` (see `slotOf`), trying the slot after the last one looked up first. */
  #slot(n: number): number {
    const seg = this.#seg;
    const next = this.#next;
    const slot = next * SEG < seg.length && seg[next * SEG + SEG_N] === n ? next : slotOf(seg, n);
    if (slot >= 0) this.#next = slot + 1;
    return slot;
  }

  /** Removes field `n` and returns the message. */
  delete(n: number): this {
    const slot = n === 1 ? -1 : slotOf(this.#seg, n);
    if (slot >= 0) {
      this.#whole = false;
      this.#seg.splice(slot * SEG, SEG);
      this.#values.splice(slot, 1);
      if (this.#stores !== undefined) this.#stores[n] = undefined;
      this.#bitmapChanged();
    }
    return this;
  }

  /** The data fields present (2 and up), ascending. */
  fieldNumbers(): number[] {
    const seg = this.#seg;
    // Slots are in field number order: the data fields are the slots after the MTI's and the bitmap's.
    let first = 0;
    while (first < seg.length && seg[first + SEG_N]! < 2) first += SEG;
    const numbers = new Array<number>((seg.length - first) / SEG);
    for (let i = first, k = 0; i < seg.length; i += SEG, k++) numbers[k] = seg[i + SEG_N]!;
    return numbers;
  }

  /**
   * Packs the message into a new `Buffer` (a `Uint8Array`). Fields are written as they were set, and
   * the fields of a message from `unpack` that were not set since as the exact bytes they arrived
   * with (the bitmap too while the same fields are present). Throws `PackError` only for a missing
   * MTI, or for a byte or composite value changed in place into one its field cannot carry.
   */
  pack(): Uint8Array {
    return packMessage(this.#source());
  }

  /**
   * The bytes field `n` (0 = MTI, 2..128) packs to, its length prefix included, or `undefined` when
   * it is absent: for a field of a message from `unpack` that was not set since, the bytes it arrived
   * with. What a MAC over chosen fields, or a test of byte-faithful forwarding, needs.
   *
   * @example
   * ```ts
   * unpack(spec87ascii, frame).fieldBytes(11); // the STAN's 6 ASCII digits as received
   * ```
   */
  fieldBytes(n: number): Uint8Array | undefined {
    const slot = n === 1 ? -1 : slotOf(this.#seg, n);
    return slot < 0 ? undefined : packField(this.#source(), slot);
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
    const text = this.#store.text;
    return text === undefined ? undefined : Buffer.from(text, 'latin1');
  }

  /** A deep copy: changing one message (or its byte and composite values) never changes the other. */
  clone(): Message {
    return messageFromParts({
      compiled: this.#compiled,
      values: this.#values.map(deepCopy),
      seg: this.#seg.slice(),
      store: this.#store,
      stores: this.#stores?.slice(),
      whole: this.#whole,
    });
  }

  /** The masked {@link describe} output, one line per field (card data masked). */
  toString(): string {
    return describe(this);
  }

  /** What `JSON.stringify` writes: `{ mti, fields }` with card data masked as {@link describe} masks it. */
  toJSON(): MaskedContent {
    return maskedContent(this);
  }

  /** `console.log` and `util.inspect` show the masked {@link describe} output, never raw card data. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Message (${this.spec.name})\n${describe(this)}`;
  }

  #source(): PackSource {
    return {
      compiled: this.#compiled,
      seg: this.#seg,
      values: this.#values,
      store: this.#store,
      stores: this.#stores,
      whole: this.#whole,
    };
  }

  /** Puts field `n` in its slot (made if it is new): its bytes in `store` and its value, if known. */
  #place(
    n: number,
    at: number,
    end: number,
    data: number,
    units: number,
    value: FieldValue | undefined,
    store: WireStore,
  ): void {
    this.#whole = false;
    const seg = this.#seg;
    let slot = slotOf(seg, n);
    if (slot < 0) {
      slot = -slot - 1;
      if (slot * SEG === seg.length) {
        seg.push(n, 0, 0, 0, 0);
        this.#values.push(undefined);
      } else {
        seg.splice(slot * SEG, 0, n, 0, 0, 0, 0);
        this.#values.splice(slot, 0, undefined);
      }
      if (n >= 2) slot -= this.#bitmapChanged();
    }
    const i = slot * SEG;
    seg[i + SEG_AT] = at;
    seg[i + SEG_END] = end;
    seg[i + SEG_DATA] = data;
    seg[i + SEG_UNITS] = units;
    this.#values[slot] = value;
    if (this.#store === NO_BYTES) this.#store = store;
    if (store !== this.#store) (this.#stores ??= [])[n] = store;
    else if (this.#stores !== undefined) this.#stores[n] = undefined;
  }

  /** See {@link copyFields}. A byte or composite value changed in place since it was read is set again instead. */
  #copyInto(to: Message, numbers: readonly number[]): void {
    const seg = this.#seg;
    for (const n of numbers) {
      const slot = n < 2 ? -1 : slotOf(seg, n);
      if (slot < 0) continue;
      const value = this.#values[slot];
      if (value !== undefined && typeof value !== 'string') {
        to.set(n, value);
        continue;
      }
      const i = slot * SEG;
      const store = this.#stores?.[n] ?? this.#store;
      to.#place(n, seg[i + SEG_AT]!, seg[i + SEG_END]!, seg[i + SEG_DATA]!, seg[i + SEG_UNITS]!, value, store);
    }
  }

  /** Builds (once) the value of the field in `slot` from its bytes. */
  #build(slot: number): FieldValue {
    const i = slot * SEG;
    const seg = this.#seg;
    const n = seg[i + SEG_N]!;
    const store = this.#stores?.[n] ?? this.#store;
    const data = seg[i + SEG_DATA]!;
    const text = store.text;
    // An ASCII field of unpack's text is a substring of it, as its codec would decode it.
    const value =
      text !== undefined && this.#compiled.ascii.inline[n] === 1
        ? text.slice(data, data + seg[i + SEG_UNITS]!)
        : this.#compiled.fields[n]!.decodeChecked(store, data, seg[i + SEG_UNITS]!);
    this.#values[slot] = value;
    if (typeof value !== 'string') this.#whole = false;
    return value;
  }

  /** The bitmap as received no longer tells which fields are present: drops its slot; returns 1 if it did. */
  #bitmapChanged(): number {
    const seg = this.#seg;
    if (seg.length <= SEG || seg[SEG + SEG_N] !== 1) return 0;
    seg.splice(SEG, SEG);
    this.#values.splice(1, 1);
    return 1;
  }
}

/**
 * Builds a message around fields already in bytes (used by `unpack`, whose fields are checked, and
 * `clone`): `seg` has SEG numbers a present field, `values` what was built of them, slot by slot.
 */
export function messageFromParts(parts: Parts): Message {
  adopted = parts;
  return new Message(parts.compiled.spec);
}

function deepCopy<T extends FieldValue | undefined>(value: T): T {
  if (value === undefined || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value.slice() as T;
  if (Array.isArray(value)) return value.map(({ tag, value: v }) => ({ tag, value: deepCopy(v) })) as T;
  return Object.fromEntries(Object.entries(value).map(([id, v]) => [id, deepCopy(v)])) as T;
}
