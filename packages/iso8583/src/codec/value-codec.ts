import type { FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import type { Reader, Writer } from './io';

/** Where encoded values are read back from: bytes, and the same bytes as latin1 text when there is one. */
export interface ByteSource {
  readonly text: string | undefined;
  /**
   * A buffer whose bytes `start..end` are the source's (the same offsets): its own bytes, or for a
   * store that holds only text, a scratch copy of that range, valid until the next call.
   */
  bytes(start: number, end: number): Buffer;
}

/**
 * Encodes and decodes a field's value alone; the field around it (fixed length or length prefix,
 * padding, bounds) is {@link FieldCodec}'s business. "Units" are what a length counts: characters,
 * digits or bytes. Writing checks everything (it is what `Message.set` runs), so a value that was
 * written is valid; reading is split in two so that `unpack` can check every byte of a message up
 * front and build each value only when it is asked for.
 */
export interface ValueCodec {
  /** Bytes on the wire for a value of `units`. */
  byteLength(units: number): number;
  /** Units in `bytes` bytes, for elements sized in bytes (BER-TLV); -1 when no value has that size. */
  unitsIn(bytes: number): number;
  /**
   * Writes the value at `w.pos`, checking what it contains, and returns its units; throws
   * `PackError` naming the position in the value as given. Scalars get a string, or bytes or a hex string for binary values.
   */
  write(w: Writer, value: FieldInput, path: FieldPath): number;
  /**
   * Checks the value of `units` at `start` without building it, throwing `UnpackError` (at `offset`)
   * for anything `read` or `decode` would refuse; the caller has checked the bytes are there.
   */
  check(r: Reader, start: number, units: number, path: FieldPath, offset: number): void;
}

/** A codec of one string or byte value. */
export interface ScalarCodec extends ValueCodec {
  /** Builds the value of `units` at `start`; `check` or `write` has passed, so it never throws. */
  decode(src: ByteSource, start: number, units: number): FieldValue;
}

/** A codec of a structured value (a composite), read in one pass that checks as it builds. */
export interface CompositeCodec extends ValueCodec {
  /** Checks and builds the value of `units` at `start`; the caller has checked the bytes are there. */
  read(r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue;
}

/** Base of the codecs whose unit is the byte (text one byte a character, raw bytes, composites). */
export abstract class ByteUnitCodec {
  byteLength(units: number): number {
    return units;
  }
  unitsIn(bytes: number): number {
    return bytes;
  }
}
