import { BitmapCodec } from './codec/bitmap-codec';
import type { CompiledSpec } from './codec/compile-spec';
import { Writer } from './codec/io';
import { PackError } from './errors';
import type { FieldValue } from './values';

// Packing is synchronous and never re-entered, so one writer serves every call.
const writer = new Writer();
const bitmapWords = new Uint32Array(4);

/**
 * Packs an MTI and field values: MTI, bitmaps, then each present field in ascending order. The
 * result is a view of the writer's slab, shared with other messages' bytes like Node's pooled
 * buffers.
 */
export function packMessage(compiled: CompiledSpec, values: ReadonlyArray<FieldValue | undefined>): Buffer {
  const w = writer;
  w.begin();
  try {
    const mti = values[0];
    if (mti === undefined) throw new PackError(0, 'the MTI is missing');
    compiled.mti.write(w, mti);

    let highest = values.length - 1;
    while (highest > 1 && values[highest] === undefined) highest--;
    // Room for the bitmaps is reserved now and filled once the fields are written: one pass.
    const bitmap = compiled.bitmap;
    const bitmapSize = bitmap.sizeFor(highest);
    w.ensure(bitmapSize);
    const bitmapAt = w.pos;
    w.pos += bitmapSize;
    const words = bitmapWords;
    words[0] = words[1] = words[2] = words[3] = 0;
    const fields = compiled.fields;
    for (let n = 2; n <= highest; n++) {
      const value = values[n];
      if (value === undefined) continue;
      BitmapCodec.set(words, n);
      fields[n]!.write(w, value);
    }
    bitmap.writeAt(w.buf, bitmapAt, bitmapSize, words);
    return w.finish();
  } catch (error) {
    w.abort();
    throw error;
  }
}
