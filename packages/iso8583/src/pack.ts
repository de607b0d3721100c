import { BitmapCodec } from './codec/bitmap-codec';
import type { CompiledSpec } from './codec/compile-spec';
import { Writer } from './codec/io';
import { PackError } from './errors';
import type { FieldValue } from './values';

// Packing is synchronous and never re-entered, so one scratch writer serves every call.
const SCRATCH_SIZE = 4096;
const writer = new Writer(SCRATCH_SIZE);

/**
 * Packs an MTI and field values: MTI, bitmaps, then each present field in ascending order, into one
 * scratch buffer; the result is copied out once into a buffer of the exact size.
 */
export function packMessage(compiled: CompiledSpec, values: ReadonlyArray<FieldValue | undefined>): Buffer {
  const w = writer;
  w.pos = 0;
  try {
    const mti = values[0];
    if (mti === undefined) throw new PackError(0, 'the MTI is missing');
    compiled.mti.write(w, mti);

    const words = new Uint32Array(4);
    for (let n = 2; n < values.length; n++) if (values[n] !== undefined) BitmapCodec.set(words, n);
    compiled.bitmap.write(w, words);

    const fields = compiled.fields;
    for (let n = 2; n < values.length; n++) {
      const value = values[n];
      if (value !== undefined) fields[n]!.write(w, value);
    }
    const out = Buffer.allocUnsafe(w.pos);
    w.buf.copy(out, 0, 0, w.pos);
    return out;
  } finally {
    // A huge message should not pin a huge scratch buffer for the life of the process.
    if (w.buf.length > 16 * SCRATCH_SIZE * 16) w.buf = Buffer.allocUnsafe(SCRATCH_SIZE);
  }
}
