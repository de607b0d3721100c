import type { FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import type { Reader, Writer } from './io';

/**
 * Encodes and decodes a field's value alone; the field around it (fixed length or length prefix,
 * padding, bounds) is {@link FieldCodec}'s business. "Units" are what a length counts: characters,
 * digits or bytes.
 */
export interface ValueCodec {
  /** Bytes on the wire for a value of `units`. */
  byteLength(units: number): number;
  /** Units in `bytes` bytes, for elements sized in bytes (BER-TLV); -1 when no value has that size. */
  unitsIn(bytes: number): number;
  /** Writes the value at `w.pos`, checking what it contains; returns its units. */
  write(w: Writer, value: FieldValue, path: FieldPath): number;
  /** Reads a value of `units` at `start`; the caller has checked the bytes are there. */
  read(r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue;
  /** Turns what `Message.set` was given into the stored value, or throws `PackError`. */
  normalize(input: FieldInput, path: FieldPath): FieldValue;
}

/** Base of the codecs whose unit is the byte (text one byte a character, raw bytes, composites). */
export abstract class ByteUnitCodec implements ValueCodec {
  byteLength(units: number): number {
    return units;
  }
  unitsIn(bytes: number): number {
    return bytes;
  }
  abstract write(w: Writer, value: FieldValue, path: FieldPath): number;
  abstract read(r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue;
  abstract normalize(input: FieldInput, path: FieldPath): FieldValue;
}
