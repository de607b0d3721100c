import { BitmapCodec } from './codec/bitmap-codec';
import type { CompiledSpec } from './codec/compile-spec';
import { type WireStore, Writer } from './codec/io';
import { PackError } from './errors';
import type { FieldValue, PositionalValue, TlvElement } from './values';

/**
 * A message keeps each field as the bytes it packs to, in slots of SEG numbers in one array, one slot
 * a present field in field number order (`seg[slot * SEG + SEG_N]` ...): the field's number, where
 * its bytes start and end in its store, and where its value's data starts and how many units it has
 * (what its value is built from). A slot for field 1 is the bitmap as received, kept while the same
 * fields are present. Compact, so that a message costs what its fields cost, not 129 entries.
 */
export const SEG = 5;
export const SEG_N = 0;
export const SEG_AT = 1;
export const SEG_END = 2;
export const SEG_DATA = 3;
export const SEG_UNITS = 4;

/** The slot of field `n` in `seg`, or `-(insertion point) - 1` when it is absent (binary search). */
export function slotOf(seg: readonly number[], n: number): number {
  let low = 0;
  let high = seg.length / SEG - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = seg[mid * SEG + SEG_N]!;
    if (at < n) low = mid + 1;
    else if (at > n) high = mid - 1;
    else return mid;
  }
  return -low - 1;
}

// Packing is synchronous and never re-entered, so one writer serves every call.
const writer = new Writer();
const bitmapWords = new Uint32Array(4);

/** What the bytes of one message are packed from: its fields' bytes and built values. */
export interface PackSource {
  readonly compiled: CompiledSpec;
  readonly seg: readonly number[];
  readonly values: ReadonlyArray<FieldValue | undefined>;
  readonly store: WireStore;
  readonly stores: ReadonlyArray<WireStore | undefined> | undefined;
  /** Whether `store` holds the message as it goes on the wire, MTI to last field, nothing changed since. */
  readonly whole: boolean;
}

/**
 * A run of bytes waiting to be copied (fields that lie one after the other are copied at once), by
 * its store: a store read by `unpack` copies from its text, never making all its bytes for it
 * (a response's echoed fields lie in the request's store).
 */
const run = { store: undefined as WireStore | undefined, start: 0, end: 0 };

/**
 * Packs a message: MTI, bitmaps, then each present field in ascending order, each copied from the
 * bytes the message holds for it. A byte or composite value that was handed out by `get` and
 * changed in place since is written again from its value. The result is a view of the writer's
 * slab, shared with other messages' bytes like Node's pooled buffers.
 */
export function packMessage(source: PackSource): Buffer {
  return packWith(source, -1);
}

/** The bytes the field in `slot` packs to, length prefix included (see {@link packMessage}). */
export function packField(source: PackSource, slot: number): Buffer {
  return packWith(source, slot);
}

/** Packs the whole message (`only` -1) or the field in slot `only` into a new view of the writer's slab. */
function packWith(source: PackSource, only: number): Buffer {
  const w = writer;
  w.begin();
  run.store = undefined;
  try {
    if (only >= 0) emit(w, source, only);
    else writeMessage(w, source);
    flush(w);
    return w.finish();
  } catch (error) {
    run.store = undefined;
    w.abort();
    throw error;
  }
}

function writeMessage(w: Writer, source: PackSource): void {
  const seg = source.seg;
  const slots = seg.length / SEG;
  if (slots === 0 || seg[SEG_N] !== 0) throw new PackError(0, 'the MTI is missing');
  if (source.whole) {
    // As built or received: one copy.
    copyFrom(w, source.store, seg[SEG_AT]!, seg[seg.length - SEG + SEG_END]!);
    return;
  }
  emit(w, source, 0);
  if (slots > 1 && seg[SEG + SEG_N] === 1) {
    // The bitmap as received still tells which fields are present.
    for (let slot = 1; slot < slots; slot++) emit(w, source, slot);
    return;
  }
  // Room for the bitmaps is reserved now and filled once the fields are written: one pass.
  flush(w);
  const bitmap = source.compiled.bitmap;
  const bitmapSize = bitmap.sizeFor(slots > 1 ? seg[(slots - 1) * SEG + SEG_N]! : 0);
  w.ensure(bitmapSize);
  const bitmapAt = w.pos;
  w.pos += bitmapSize;
  const words = bitmapWords;
  words[0] = words[1] = words[2] = words[3] = 0;
  for (let slot = 1; slot < slots; slot++) {
    BitmapCodec.set(words, seg[slot * SEG + SEG_N]!);
    emit(w, source, slot);
  }
  flush(w);
  bitmap.writeAt(w.buf, bitmapAt, bitmapSize, words);
}

/** Adds the field in `slot` to the run of bytes to copy, or writes it from its value if that was changed in place. */
function emit(w: Writer, source: PackSource, slot: number): void {
  const seg = source.seg;
  const i = slot * SEG;
  const n = seg[i + SEG_N]!;
  const from = source.stores?.[n] ?? source.store;
  const value = source.values[slot];
  if (value !== undefined && typeof value !== 'string') {
    const field = source.compiled.fields[n]!;
    if (!sameValue(value, field.decodeChecked(from, seg[i + SEG_DATA]!, seg[i + SEG_UNITS]!))) {
      flush(w);
      field.write(w, value);
      return;
    }
  }
  const at = seg[i + SEG_AT]!;
  if (from === run.store && at === run.end) {
    run.end = seg[i + SEG_END]!;
    return;
  }
  flush(w);
  run.store = from;
  run.start = at;
  run.end = seg[i + SEG_END]!;
}

/** Copies the pending run of bytes, if any. */
function flush(w: Writer): void {
  const store = run.store;
  if (store === undefined) return;
  run.store = undefined;
  copyFrom(w, store, run.start, run.end);
}

function copyFrom(w: Writer, store: WireStore, start: number, end: number): void {
  w.ensure(end - start);
  store.copyTo(w.buf, w.pos, start, end);
  w.pos += end - start;
}

/** Whether two field values are the same (bytes by content, composites element by element). */
function sameValue(a: FieldValue, b: FieldValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return (a as TlvElement[]).every(
      (element, i) =>
        typeof element === 'object' &&
        element !== null &&
        element.tag === (b as TlvElement[])[i]!.tag &&
        sameValue(element.value, (b as TlvElement[])[i]!.value),
    );
  }
  const keysA = Object.keys(a as PositionalValue);
  const keysB = Object.keys(b as PositionalValue);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((id) => id in b && sameValue((a as PositionalValue)[id]!, (b as PositionalValue)[id]!));
}
