import { writeAscii } from './codec/ascii-table';
import { BitmapCodec } from './codec/bitmap-codec';
import type { CompiledSpec } from './codec/compile-spec';
import { written } from './codec/field-codec';
import { WireStore, Writer } from './codec/io';
import { PackError } from './errors';
import { SEG, SEG_AT, SEG_DATA, SEG_END, SEG_N, SEG_UNITS } from './pack';
import type { FieldInput, FieldValue } from './values';

/** What a new `Message` starts with. */
export interface MessageInit {
  /** The message type indicator, e.g. `'0100'`. */
  mti?: string;
  /** Field values by number, as `set` accepts them. */
  fields?: { [field: number]: FieldInput };
}

const MAX_FIELD = 128;
const NOT_A_FIELD_NUMBER = 'not a field number (fields are keyed by number, 0..128)';
/** The store of a message with no fields. */
export const NO_BYTES = new WireStore(Buffer.alloc(0), undefined);

/**
 * Where `set` and the constructor write fields: one writer, reused because writing is synchronous. A getter in a caller's object may build another message in the middle of one;
 * that one gets a builder of its own.
 */
class Builder {
  readonly writer = new Writer();
  /** The bitmap of the message being built, as `BitmapCodec` words. */
  readonly words = new Uint32Array(4);
  busy = false;
}
const shared = new Builder();

export function acquireBuilder(): Builder {
  if (shared.busy) return new Builder();
  shared.busy = true;
  return shared;
}

/** The slots a message starts with (see pack.ts): filled by {@link writeInit}, adopted by the constructor. */
export interface InitSlots {
  seg: number[];
  values: Array<FieldValue | undefined>;
  store: WireStore;
  /** Whether the slots are MTI, bitmaps and fields, one after the other (see `Message.#whole`). */
  whole: boolean;
}

/**
 * Checks and writes the MTI and fields of `init` one after the other into one slab, in wire order
 * (`pack` copies them in one run), and fills `out` with their slots. A bad value throws the
 * `PackError` its codec words (field, position in the value).
 */
export function writeInit(compiled: CompiledSpec, init: MessageInit, out: InitSlots): void {
  const { mti, fields } = init;
  if (fields !== undefined && (typeof fields !== 'object' || fields === null))
    throw new TypeError('Message: fields must be an object of values by field number');
  const count = fields === undefined ? 0 : Object.values(fields).length;
  // Sized for every key, the MTI and the bitmap, written in place (copying them from scratch arrays cost ~0.1 µs).
  const seg = new Array<number>((count + 2) * SEG);
  const values = new Array<FieldValue | undefined>(count + 2);
  const builder = acquireBuilder();
  const w = builder.writer;
  const words = builder.words;
  words[0] = words[1] = words[2] = words[3] = 0;
  let slots = 0;
  w.begin();
  try {
    if (mti !== undefined) slots = writeField(compiled, w, seg, values, slots, 0, mti);
    if (fields !== undefined) {
      // Keys other than 0..128 ('foo', 130) are refused, not ignored, so the keys are counted first
      // (Object.values, ~0.1 µs for 20: V8 has no cheap way to list an object's integer keys;
      // Object.keys makes a string a key, ~0.2) — and the count ends the scan at the last field
      // present (55 in the benchmark's 0100) instead of 128, which pays for part of it.
      let found = 0;
      for (let n = 0; n <= MAX_FIELD && found < count; n++) {
        const input = fields[n];
        if (input === undefined) continue;
        if (n >= 2) {
          if (slots === 1 && seg[SEG_N] === 0) slots = reserveBitmap(compiled, w, seg, values);
          if (n > 64 && slots > 1 && seg[SEG + SEG_N] === 1) growBitmap(compiled, w, seg, slots, n);
          BitmapCodec.set(words, n);
        }
        slots = writeField(compiled, w, seg, values, slots, n, input);
        found++;
      }
      if (found !== count) refuseUnknownFields(fields);
    }
    if (slots > 1 && seg[SEG + SEG_N] === 1) {
      const at = seg[SEG + SEG_AT]!;
      compiled.bitmap.writeAt(w.buf, at, seg[SEG + SEG_END]! - at, words);
    }
    // Fewer slots than keys when a key's value is undefined, or the MTI is given once.
    if (seg.length !== slots * SEG) {
      seg.length = slots * SEG;
      values.length = slots;
    }
    out.seg = seg;
    out.values = values;
    out.store = w.store;
    out.whole = slots > 1 && seg[SEG + SEG_N] === 1;
    w.commit();
  } catch (error) {
    w.abort();
    throw error;
  } finally {
    builder.busy = false;
  }
}

/**
 * Reserves room for the bitmaps after the MTI (slot 0) in slot 1, filled in once the fields are
 * written: a message built whole lies on the wire as `unpack` would find it — MTI, bitmaps, fields in
 * one run — so packing it is one copy (see pack.ts). Returns the slots used.
 */
function reserveBitmap(
  compiled: CompiledSpec,
  w: Writer,
  seg: number[],
  values: Array<FieldValue | undefined>,
): number {
  const size = compiled.bitmap.sizeFor(0);
  w.ensure(size);
  const at = w.pos;
  w.pos += size;
  seg[SEG + SEG_N] = 1;
  seg[SEG + SEG_AT] = at;
  seg[SEG + SEG_END] = at + size;
  seg[SEG + SEG_DATA] = at;
  seg[SEG + SEG_UNITS] = 0;
  values[1] = undefined;
  return 2;
}

/** Makes the bitmap slot's room large enough for field `n`, moving the fields already written after it. */
function growBitmap(compiled: CompiledSpec, w: Writer, seg: number[], slots: number, n: number): void {
  const at = seg[SEG + SEG_AT]!;
  const end = seg[SEG + SEG_END]!;
  const extra = compiled.bitmap.sizeFor(n) - (end - at);
  if (extra <= 0) return;
  w.ensure(extra);
  w.buf.copyWithin(end + extra, end, w.pos);
  w.pos += extra;
  seg[SEG + SEG_END] = end + extra;
  for (let i = 2 * SEG; i < slots * SEG; i += SEG) {
    seg[i + SEG_AT]! += extra;
    seg[i + SEG_END]! += extra;
    seg[i + SEG_DATA]! += extra;
  }
}

/** Writes field `n` from `input` at `w.pos` into the next slot; returns the slots used. */
function writeField(
  compiled: CompiledSpec,
  w: Writer,
  seg: number[],
  values: Array<FieldValue | undefined>,
  slots: number,
  n: number,
  input: FieldInput,
): number {
  const at = w.pos;
  writeInput(compiled, n, input, w);
  // Fields come in ascending order; only the MTI can come twice (init.mti, then fields[0]).
  const slot = slots > 0 && seg[(slots - 1) * SEG + SEG_N] === n ? slots - 1 : slots;
  const i = slot * SEG;
  seg[i + SEG_N] = n;
  seg[i + SEG_AT] = at;
  seg[i + SEG_END] = w.pos;
  seg[i + SEG_DATA] = written.data;
  seg[i + SEG_UNITS] = written.units;
  values[slot] = written.value;
  return slot + 1;
}

/**
 * Writes field `n` from what `set` was given at `w.pos`, leaving its data start, units and value in
 * `written`: from the ASCII table when it takes the value, else through the field's codec, which
 * throws the precise `PackError` (no such field, a missing value, the position of a bad character).
 */
export function writeInput(compiled: CompiledSpec, n: number, input: FieldInput | null | undefined, w: Writer): void {
  const table = compiled.ascii;
  if (table.inline[n] === 1 && typeof input === 'string' && writeAscii(table, n, input, w)) return;
  const codec = compiled.fields[n] ?? missingCodec(compiled, n);
  if (input === undefined || input === null)
    throw new PackError(n, 'the value is missing (use delete to remove a field)');
  codec.write(w, input);
}

/** Throws the `PackError` saying why field `n` has no codec. */
function missingCodec(compiled: CompiledSpec, n: number): never {
  if (!Number.isInteger(n) || n < 0 || n > MAX_FIELD) throw new PackError(String(n), NOT_A_FIELD_NUMBER);
  if (n === 1) throw new PackError(1, 'the bitmap is computed when packing');
  throw new PackError(n, `the spec '${compiled.spec.name}' does not define this field`);
}

/**
 * Throws a `PackError` naming the first key of `fields` that is not a field number 0..128 (`130`,
 * `'foo'`, `'011'`); keys whose value is `undefined` are absent fields, as everywhere else.
 */
function refuseUnknownFields(fields: object): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) > MAX_FIELD) throw new PackError(key, NOT_A_FIELD_NUMBER);
  }
}
