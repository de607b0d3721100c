import { PackError, UnpackError, type FieldPath } from '../errors';
import type { Padding } from '../spec/types';
import type { FieldInput, FieldValue } from '../values';
import type { Reader, Writer } from './io';
import type { LengthPrefix } from './length-prefix';
import { byteLength, checkValue, decodeValue, OTHER_KIND, readValue, writeValue } from './scalar-codecs';
import type { CompositeCodec, ValueCodec } from './value-codec';

/**
 * One field on the wire: a value codec framed by either a fixed length or a length prefix, with
 * padding of short fixed text, length limits and bounds checks. Compiled once per spec field.
 */
export class FieldCodec {
  constructor(
    /** Where the field is, for errors: a number or a `'55.9F02'` path. */
    readonly path: FieldPath,
    /** Encodes the value itself. */
    readonly value: ValueCodec,
    /** The length prefix, or `null` for a fixed-length field. */
    readonly prefix: LengthPrefix | null,
    /** Fixed length, or maximum with a prefix, in units. */
    readonly length: number,
    /** Fill rule for short fixed text. */
    readonly padding: Padding | undefined,
    /** Whether `normalize` left-pads short digit strings with zeros (fixed numerics). */
    private readonly zeroFill: boolean,
    /** The pad character as a byte on the wire, or -1 without padding. */
    private readonly padByte: number,
    /** The scalar kind of `value` (see scalar-codecs.ts), 0 for a composite. */
    private readonly kind: number,
  ) {}

  /** Turns what `Message.set` was given into the value stored, or throws {@link PackError}. */
  normalize(input: FieldInput): FieldValue {
    const value = this.value.normalize(input, this.path);
    if (this.zeroFill && (value as string).length < this.length) return (value as string).padStart(this.length, '0');
    return value;
  }

  /** Writes the field (prefix included) at `w.pos`. */
  write(w: Writer, value: FieldValue): void {
    const prefix = this.prefix;
    let units = scalarUnits(value);
    if (prefix === null) {
      if (units >= 0 && units < this.length && this.padByte >= 0) {
        this.writePadded(w, value, this.length - units);
        return;
      }
      if (units >= 0 && units !== this.length)
        throw new PackError(this.path, lengthProblem(units, this.length, 'exactly'));
      const written = writeValue(this.kind, this.value, w, value, this.path);
      if (written !== this.length) throw new PackError(this.path, lengthProblem(written, this.length, 'exactly'));
      return;
    }
    if (units > this.length) throw new PackError(this.path, lengthProblem(units, this.length, 'at most'));
    w.ensure(prefix.size);
    const prefixAt = w.pos;
    w.pos += prefix.size;
    units = writeValue(this.kind, this.value, w, value, this.path);
    if (units > this.length) throw new PackError(this.path, lengthProblem(units, this.length, 'at most'));
    prefix.write(w.buf, prefixAt, units);
  }

  /** Writes short fixed text with `fill` pad bytes before or after it. */
  private writePadded(w: Writer, value: FieldValue, fill: number): void {
    const left = this.padding!.side === 'left';
    if (!left) writeValue(this.kind, this.value, w, value, this.path);
    w.ensure(fill);
    const buf = w.buf;
    const padByte = this.padByte;
    let pos = w.pos;
    for (let i = 0; i < fill; i++) buf[pos++] = padByte;
    w.pos = pos;
    if (left) writeValue(this.kind, this.value, w, value, this.path);
  }

  /** Reads the field (prefix included) at `r.pos`, checking every byte, and returns its value. */
  read(r: Reader): FieldValue {
    const start = this.frame(r);
    return readValue(this.kind, this.value, r, start, r.units, this.path, r.dataOffset);
  }

  /**
   * Checks the field (prefix included) at `r.pos` as `read` would, building nothing; returns where its
   * data starts and leaves its units (padding trimmed) in `r.units`, for {@link decodeChecked}.
   */
  skip(r: Reader): number {
    const start = this.frame(r);
    const units = r.units;
    checkValue(this.kind, this.value, r, start, units, this.path, r.dataOffset);
    r.units = units; // a composite's check frames its subfields, which overwrites r.units
    return start;
  }

  /**
   * Builds the value of a field that {@link skip} checked, from the input as latin1 (`source.text`);
   * composites are read again from `source.reader()`. Never throws.
   */
  decodeChecked(source: CheckedInput, start: number, units: number): FieldValue {
    if (this.kind !== OTHER_KIND) return decodeValue(this.kind, this.value, source.text, start, units);
    return (this.value as CompositeCodec).read(source.reader(), start, units, this.path, start);
  }

  /**
   * Frames the field at `r.pos`: reads and bounds-checks the length prefix, checks the data is there
   * and trims padding. Moves `r.pos` past the field, returns where the value starts and leaves its
   * units in `r.units` and the offset of its data (where data errors point) in `r.dataOffset`.
   */
  private frame(r: Reader): number {
    const start = r.pos;
    let pos = start;
    let units = this.length;
    const prefix = this.prefix;
    if (prefix !== null) {
      if (start + prefix.size > r.end) {
        throw new UnpackError(this.path, start, `${prefix} needs ${prefix.size} bytes, ${r.end - start} left`);
      }
      units = prefix.read(r.buf, start, this.path, start);
      if (units > this.length)
        throw new UnpackError(this.path, start, `length ${units} exceeds the maximum ${this.length}`);
      pos += prefix.size;
    }
    const size = byteLength(this.kind, units);
    // As in pyiso8583, data errors point at the data, after the length prefix.
    if (pos + size > r.end) throw new UnpackError(this.path, pos, `data needs ${size} bytes, ${r.end - pos} left`);
    r.pos = pos + size;
    r.dataOffset = pos;
    if (this.padByte < 0) {
      r.units = units;
      return pos;
    }
    // Padding is trimmed on the bytes (a padded field is one byte a character), before decoding.
    let first = pos;
    let count = units;
    const buf = r.buf;
    if (this.padding!.side === 'left') {
      while (count > 0 && buf[first] === this.padByte) {
        first++;
        count--;
      }
    } else {
      while (count > 0 && buf[first + count - 1] === this.padByte) count--;
    }
    r.units = count;
    return first;
  }

  /** Reads a value whose size in bytes the caller knows (a BER-TLV element) at `r.pos`. */
  readSized(r: Reader, bytes: number, offset: number): FieldValue {
    const start = r.pos;
    const units = this.sizedUnits(bytes, offset);
    const value = readValue(this.kind, this.value, r, start, units, this.path, offset);
    r.pos = start + bytes;
    return value;
  }

  /** Checks a value whose size in bytes the caller knows at `r.pos`, as `readSized` would. */
  skipSized(r: Reader, bytes: number, offset: number): void {
    const start = r.pos;
    checkValue(this.kind, this.value, r, start, this.sizedUnits(bytes, offset), this.path, offset);
    r.pos = start + bytes;
  }

  private sizedUnits(bytes: number, offset: number): number {
    const units = this.value.unitsIn(bytes);
    if (units < 0) throw new UnpackError(this.path, offset, `${bytes} bytes cannot hold a value of this encoding`);
    if (units > this.length)
      throw new UnpackError(this.path, offset, `length ${units} exceeds the maximum ${this.length}`);
    return units;
  }

  /** Writes the value alone (no prefix) and returns its size in units, for BER-TLV elements. */
  writeBare(w: Writer, value: FieldValue): number {
    const units = writeValue(this.kind, this.value, w, value, this.path);
    if (units > this.length) throw new PackError(this.path, lengthProblem(units, this.length, 'at most'));
    return units;
  }
}

/** A checked input that values are built from on demand: its latin1 text, and a reader over its bytes. */
export interface CheckedInput {
  readonly text: string;
  reader(): Reader;
}

/** The length in units of a text or byte value; -1 for a composite, whose size only writing tells. */
export function scalarUnits(value: FieldValue): number {
  return typeof value === 'string' || value instanceof Uint8Array ? value.length : -1;
}

function lengthProblem(actual: number, expected: number, bound: 'exactly' | 'at most'): string {
  return `length ${actual} but the field takes ${bound} ${expected}`;
}
