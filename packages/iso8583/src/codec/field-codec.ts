import { PackError, UnpackError, type FieldPath } from '../errors';
import type { Padding } from '../spec/types';
import type { FieldInput, FieldValue } from '../values';
import { digitAt } from './bcd-codec';
import type { Reader, WireStore, Writer } from './io';
import type { LengthPrefix } from './length-prefix';
import { byteUnitsOf, prepareBytes, prepareDigits, prepareText } from './normalize';
import {
  byteLength,
  checkValue,
  decodeValue,
  InputClass,
  inputClass,
  isAmount,
  isAscii,
  isBcd,
  isRawBytes,
  OTHER_KIND,
  readValue,
  writeValue,
} from './scalar-codecs';
import type { AsciiCodec } from './text-codecs';
import type { CompositeCodec, ValueCodec } from './value-codec';

/** A field of ASCII text or digits, fixed or behind an ASCII length prefix, as `unpack` checks it from an `AsciiTable`. */
export interface AsciiFieldShape {
  /** Fixed length, or the maximum behind a prefix, in characters. */
  readonly length: number;
  /** Lowest and highest byte (and character code) the encoding accepts. */
  readonly low: number;
  readonly high: number;
  /** Digits of the ASCII length prefix, or 0 for a fixed-length field. */
  readonly prefixDigits: number;
  /** The pad byte of short fixed text, or -1. */
  readonly padByte: number;
  /** Whether padding goes on the left. */
  readonly padLeft: boolean;
  /** Whether short digit strings are filled with zeros on the left (fixed numerics). */
  readonly zeroFill: boolean;
}

/**
 * What {@link FieldCodec.write} leaves behind about the field it wrote: where its value's data starts
 * and its units (what `decodeChecked` builds the value from), and the value as it will read back when
 * that is the string given (so a message can hand it out without decoding it). One object serves
 * every (synchronous) write.
 */
export const written = { data: 0, units: 0, value: undefined as string | undefined };

/**
 * One field on the wire: a value codec framed by either a fixed length or a length prefix, with
 * padding of short fixed text, zero fill of short fixed numerics, length limits and bounds checks.
 * Compiled once per spec field. Writing checks everything, so what was written reads back.
 */
export class FieldCodec {
  /** What `set` takes for this field (text, digits, bytes), when it is a scalar. */
  private readonly input: InputClass;
  /** The most bytes the value alone can take (BER-TLV elements size their length from it). */
  readonly maxBytes: number;
  /** Whether the value is raw bytes, which BER-TLV elements write from hex strings in a loop of their own. */
  readonly rawBytes: boolean;
  /** Whether the value codec checks, fills and sizes what `set` gives it (amounts: sign, then digits). */
  private readonly selfFilling: boolean;

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
    /** Whether short digit strings are filled with zeros on the left (fixed numerics). */
    private readonly zeroFill: boolean,
    /** The pad character as a byte on the wire, or -1 without padding. */
    private readonly padByte: number,
    /** The digit zero as a byte on the wire (zero fill of one-byte-a-digit encodings). */
    private readonly zeroByte: number,
    /** The scalar kind of `value` (see scalar-codecs.ts), 0 for a composite. */
    private readonly kind: number,
    /** The field's type: `string`, `numeric`, `binary` or `composite`. */
    type: string,
  ) {
    this.input = inputClass(kind, type);
    this.selfFilling = isAmount(kind);
    this.maxBytes = kind === OTHER_KIND ? length : byteLength(kind, length);
    this.rawBytes = isRawBytes(kind);
  }

  /** The field's shape when it is ASCII text or digits, fixed or behind an ASCII prefix; else `undefined`. */
  asciiShape(): AsciiFieldShape | undefined {
    if (!isAscii(this.kind) || (this.prefix !== null && this.prefix.encoding !== 'ascii')) return undefined;
    const { low, high } = this.value as AsciiCodec;
    return {
      length: this.length,
      low,
      high,
      prefixDigits: this.prefix?.digits ?? 0,
      padByte: this.padByte,
      padLeft: this.padding?.side === 'left',
      zeroFill: this.zeroFill,
    };
  }

  /**
   * Writes the field (prefix included) at `w.pos` from what `set` was given, checking its kind,
   * characters and length; errors name the position in the value as given. Leaves the data start,
   * units and readable value in {@link written}.
   */
  write(w: Writer, input: FieldInput): void {
    const kind = this.kind;
    if (kind === OTHER_KIND) return this.writeComposite(w, input);
    if (this.selfFilling) return this.writeSelfFilling(w, input);
    const path = this.path;
    let value: string | Uint8Array;
    let units: number;
    const text = this.input !== InputClass.Bytes;
    if (this.input === InputClass.Digits) value = prepareDigits(input, path);
    else if (text) value = prepareText(input, path);
    else value = prepareBytes(input, path);
    if (text) units = value.length;
    else units = byteUnitsOf(value, path);
    const out = written;
    const start = w.pos;
    const length = this.length;
    const prefix = this.prefix;
    if (prefix !== null) {
      if (units > length) throw new PackError(path, lengthProblem(units, length, 'at most'));
      w.ensure(prefix.size);
      w.pos = start + prefix.size;
      out.data = w.pos;
      out.units = units;
      writeValue(kind, this.value, w, value, path);
      prefix.write(w.buf, start, units);
      out.value = text ? (value as string) : undefined;
      return;
    }
    out.data = start;
    out.units = length;
    out.value = text ? (value as string) : undefined;
    if (units !== length) {
      if (units > length || !(this.zeroFill || this.padByte >= 0))
        throw new PackError(path, lengthProblem(units, length, 'exactly'));
      if (this.zeroFill) {
        out.value = undefined;
        this.writeZeroFilled(w, value as string, units);
        return;
      }
      out.units = units;
      if (this.padding!.side === 'left') {
        this.fill(w, this.padByte, length - units);
        out.data = w.pos;
        writeValue(kind, this.value, w, value, path);
      } else {
        writeValue(kind, this.value, w, value, path);
        this.fill(w, this.padByte, length - units);
      }
      return;
    }
    writeValue(kind, this.value, w, value, path);
  }

  private writeComposite(w: Writer, input: FieldInput): void {
    const start = w.pos;
    const prefix = this.prefix;
    if (prefix !== null) {
      w.ensure(prefix.size);
      w.pos = start + prefix.size;
    }
    const data = w.pos;
    const units = this.value.write(w, input, this.path);
    if (prefix !== null) {
      if (units > this.length) throw new PackError(this.path, lengthProblem(units, this.length, 'at most'));
      prefix.write(w.buf, start, units);
    } else if (units !== this.length) {
      throw new PackError(this.path, lengthProblem(units, this.length, 'exactly'));
    }
    const out = written;
    out.data = data;
    out.units = units;
    out.value = undefined;
  }

  /**
   * Writes a value whose codec fills it to the field's length (an amount), behind the element length
   * a TLV gives it; what reads back is decoded, not the input.
   */
  private writeSelfFilling(w: Writer, input: FieldInput): void {
    const prefix = this.prefix;
    const start = w.pos;
    if (prefix !== null) {
      w.ensure(prefix.size);
      w.pos = start + prefix.size;
    }
    const out = written;
    out.data = w.pos;
    out.value = undefined;
    out.units = writeValue(this.kind, this.value, w, input, this.path);
    if (prefix !== null) prefix.write(w.buf, start, out.units);
  }

  /** Writes the value alone (no prefix) from what `set` was given and returns its units, for BER-TLV elements. */
  writeBare(w: Writer, input: FieldInput): number {
    const path = this.path;
    const kind = this.kind;
    if (this.selfFilling) return writeValue(kind, this.value, w, input, path);
    if (kind === OTHER_KIND) {
      const size = this.value.write(w, input, path);
      if (size > this.length) throw new PackError(path, lengthProblem(size, this.length, 'at most'));
      return size;
    }
    let value: string | Uint8Array;
    let units: number;
    if (this.input === InputClass.Bytes) {
      value = prepareBytes(input, path);
      units = byteUnitsOf(value, path);
    } else {
      value = this.input === InputClass.Digits ? prepareDigits(input, path) : prepareText(input, path);
      units = value.length;
    }
    if (units > this.length) throw new PackError(path, lengthProblem(units, this.length, 'at most'));
    if (this.zeroFill && units < this.length) {
      // A numeric element of a fixed size (EMV n12 amounts): zero-filled like a fixed field.
      this.writeZeroFilled(w, value as string, units);
      return this.length;
    }
    writeValue(kind, this.value, w, value, path);
    return units;
  }

  /** Writes short digits zero-filled to the field's length; errors name positions in the digits as given. */
  private writeZeroFilled(w: Writer, digits: string, units: number): void {
    if (isBcd(this.kind)) {
      // Nibbles do not fill byte by byte: check the digits as given, then write them filled.
      for (let i = 0; i < units; i++) digitAt(digits, i, this.path);
      writeValue(this.kind, this.value, w, digits.padStart(this.length, '0'), this.path);
    } else {
      this.fill(w, this.zeroByte, this.length - units);
      writeValue(this.kind, this.value, w, digits, this.path);
    }
  }

  /** Writes `count` bytes of `byte`. */
  private fill(w: Writer, byte: number, count: number): void {
    w.ensure(count);
    const buf = w.buf;
    let pos = w.pos;
    for (let i = 0; i < count; i++) buf[pos++] = byte;
    w.pos = pos;
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
   * Builds the value of a field that {@link skip} checked or {@link write} wrote, from the store it is
   * in; composites are read again through `store.reader(...)`. Never throws.
   */
  decodeChecked(store: WireStore, start: number, units: number): FieldValue {
    if (this.kind !== OTHER_KIND) return decodeValue(this.kind, this.value, store, start, units);
    return (this.value as CompositeCodec).read(store.reader(start, start + units), start, units, this.path, start);
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
}

function lengthProblem(actual: number, expected: number, bound: 'exactly' | 'at most'): string {
  return `length ${actual} but the field takes ${bound} ${expected}`;
}
