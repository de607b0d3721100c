import { PackError, UnpackError, type FieldPath } from '../../errors';
import type { FieldInput, PositionalValue } from '../../values';
import { BitmapCodec } from '../bitmap-codec';
import type { FieldCodec } from '../field-codec';
import type { Reader, Writer } from '../io';
import { kindOf } from '../normalize';
import type { CompositeCodec } from '../value-codec';
import { SubfieldsCodec } from './subfields-codec';

/**
 * Subfields announced by a bitmap of their own, as a message's fields are (jPOS's
 * GenericSubFieldPackager with `emitBitmap`, e.g. Postilion's field 127): the bitmap, then the
 * subfields present in ascending order. Subfield 1 is the bitmap; the value is an object keyed by
 * subfield id (2..128), like a positional one, without the bitmap.
 */
export class BitmappedCodec extends SubfieldsCodec implements CompositeCodec {
  constructor(
    private readonly bitmap: BitmapCodec,
    /** Subfield codecs by id; ids the spec does not define are undefined. */
    private readonly subfields: ReadonlyArray<FieldCodec | undefined>,
  ) {
    super();
  }

  write(w: Writer, input: FieldInput, path: FieldPath): number {
    if (typeof input !== 'object' || input === null || Array.isArray(input) || input instanceof Uint8Array)
      throw new PackError(path, `expected subfields as { [id]: value }, got ${kindOf(input)}`);
    const values = input as Record<string, FieldInput>;
    const words = new Uint32Array(4);
    let highest = 0;
    for (const key of Object.keys(values)) {
      const id = Number(key);
      if (values[key] === undefined) continue;
      if (this.subfields[id] === undefined || id < 2)
        throw new PackError(`${path}.${key}`, 'the spec does not define this subfield');
      BitmapCodec.set(words, id);
      if (id > highest) highest = id;
    }
    const start = w.pos;
    const size = this.bitmap.sizeFor(highest);
    w.ensure(size);
    w.pos = start + size;
    for (let id = 2; id <= highest; id++) {
      const value = values[id];
      if (value !== undefined) this.subfields[id]!.write(w, value);
    }
    this.bitmap.writeAt(w.buf, start, size, words);
    return w.pos - start;
  }

  /** Reads the bitmap at `start`, then each subfield it announces. */
  protected walkSubfields(
    r: Reader,
    start: number,
    _end: number,
    path: FieldPath,
    value: PositionalValue | null,
  ): void {
    const words = new Uint32Array(4);
    try {
      this.bitmap.read(r, words);
    } catch (error) {
      // The bitmap codec names the message's bitmap: name this one.
      if (error instanceof UnpackError)
        throw new UnpackError(`${path}.1`, error.offset, error.problem, { cause: error });
      throw error;
    }
    for (let id = 2; id <= 128; id++) {
      if ((words[(id - 1) >> 5]! & (0x80000000 >>> ((id - 1) & 31))) === 0) continue;
      const codec = this.subfields[id];
      if (codec === undefined)
        throw new UnpackError(
          `${path}.1`,
          start,
          `the bitmap announces subfield ${id}, which the spec does not define`,
        );
      if (value !== null) value[id] = codec.read(r);
      else codec.skip(r);
    }
  }
}
