import { PackError, UnpackError, type FieldPath } from '../../errors';
import type { FieldInput, FieldValue, TlvElement } from '../../values';
import { berTagBytes, berTagSize } from '../../spec/ber-tag';
import type { FieldCodec } from '../field-codec';
import { copyBytes, type Reader, type Writer } from '../io';
import { ByteUnitCodec, type CompositeCodec } from '../value-codec';
import { elementAt, elementsOf } from './tlv-input';
import { RAW_BYTES } from '../scalar-codecs';
import { byteUnitsOf } from '../normalize';

/** A subfield the spec knows, with its tag's bytes. */
export interface BerTlvSubfield {
  readonly tagBytes: Uint8Array;
  /** Codec of the value alone (no prefix: BER-TLV carries the length). */
  readonly codec: FieldCodec;
}

/** Long-form lengths take at most this many bytes after 0x8N (lengths up to 2^32 - 1). */
const MAX_LENGTH_BYTES = 4;
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) =>
  b.toString(16).toUpperCase().padStart(2, '0'),
);

/**
 * BER-TLV data objects as in EMV field 55: multi-byte tags, short and long-form lengths (0x81 xx,
 * 0x82 xx xx...). The value is `[{ tag, value }, ...]` in wire order with upper-case hex tags;
 * repeated tags are kept in order and tags the spec does not know are kept as bytes and re-packed.
 */
export class BerTlvCodec extends ByteUnitCodec implements CompositeCodec {
  // Decoding looks tags up by their bytes as a number, so known tags cost no string building.
  private readonly knownByCode: ReadonlyMap<number, { readonly tag: string; readonly subfield: BerTlvSubfield }>;

  constructor(private readonly known: ReadonlyMap<string, BerTlvSubfield>) {
    super();
    this.knownByCode = new Map(
      [...known].map(([tag, subfield]) => [tagCode(subfield.tagBytes, 0, subfield.tagBytes.length), { tag, subfield }]),
    );
  }

  write(w: Writer, input: FieldInput, path: FieldPath): number {
    const start = w.pos;
    const elements = elementsOf(input, path);
    for (let i = 0; i < elements.length; i++) {
      const element = elementAt(elements, i, path);
      let tag = element.tag as string;
      let subfield = this.known.get(tag);
      if (subfield === undefined) {
        tag = tag.toUpperCase();
        subfield = this.known.get(tag);
      }
      const tagBytes = subfield?.tagBytes ?? berTagBytes(tag);
      if (tagBytes === undefined)
        throw new PackError(path, `element ${i}: the tag is not a well-formed BER-TLV tag (hex, at most 4 bytes)`);
      w.ensure(tagBytes.length + 1 + MAX_LENGTH_BYTES);
      const buf = w.buf;
      let pos = w.pos;
      for (let t = 0; t < tagBytes.length; t++) buf[pos++] = tagBytes[t]!;
      w.pos = pos;
      const value = element.value as FieldInput;
      if (subfield === undefined) {
        if (!(value instanceof Uint8Array) && typeof value !== 'string')
          throw new PackError(`${path}.${tag}`, 'the value of an unknown tag must be bytes or a hex string');
        const size = byteUnitsOf(value, `${path}.${tag}`);
        w.pos += writeLength(w.buf, w.pos, size);
        RAW_BYTES.write(w, value, `${path}.${tag}`);
        continue;
      }
      const codec = subfield.codec;
      if (codec.maxBytes < 0x80) {
        // Short form whatever the value: one length byte, filled in once the value is written.
        const lengthAt = w.pos++;
        // Bytes as a hex string of an even length that fits (EMV's b fields): straight to the hex loop.
        if (
          codec.rawBytes &&
          typeof value === 'string' &&
          (value.length & 1) === 0 &&
          value.length <= 2 * codec.maxBytes
        )
          RAW_BYTES.write(w, value, codec.path);
        else codec.writeBare(w, value);
        w.buf[lengthAt] = w.pos - lengthAt - 1;
        continue;
      }
      // A long value: written after room for the longest length, then moved back.
      const lengthAt = w.pos;
      const valueAt = lengthAt + 1 + MAX_LENGTH_BYTES;
      w.pos = valueAt;
      codec.writeBare(w, value);
      const size = w.pos - valueAt;
      const lengthSize = writeLength(w.buf, lengthAt, size);
      w.buf.copyWithin(lengthAt + lengthSize, valueAt, w.pos);
      w.pos = lengthAt + lengthSize + size;
    }
    return w.pos - start;
  }

  read(r: Reader, start: number, units: number, path: FieldPath): FieldValue {
    const elements: TlvElement[] = [];
    this.walk(r, start, units, path, elements);
    return elements;
  }

  check(r: Reader, start: number, units: number, path: FieldPath): void {
    this.walk(r, start, units, path, null);
  }

  /** Goes through the elements at `start`, checking each; builds them into `elements` unless it is null. */
  private walk(r: Reader, start: number, units: number, path: FieldPath, elements: TlvElement[] | null): void {
    const outerEnd = r.end;
    const end = start + units;
    const buf = r.buf;
    r.end = end;
    r.pos = start;
    while (r.pos < end) {
      const at = r.pos;
      const tagSize = berTagSize(buf, at, end);
      if (tagSize < 0) throw new UnpackError(path, at, 'BER-TLV tag is truncated or longer than 4 bytes');
      const known = this.knownByCode.get(tagCode(buf, at, tagSize));
      let pos = at + tagSize;
      if (pos >= end) throw new UnpackError(elementPath(path, buf, at, tagSize), at, 'BER-TLV length is missing');
      let length = buf[pos++]!;
      if (length > 0x80) {
        const lengthSize = length & 0x7f;
        if (lengthSize > MAX_LENGTH_BYTES)
          throw new UnpackError(
            elementPath(path, buf, at, tagSize),
            at,
            `BER-TLV length of ${lengthSize} bytes is not supported`,
          );
        if (pos + lengthSize > end)
          throw new UnpackError(elementPath(path, buf, at, tagSize), at, 'BER-TLV length is truncated');
        length = 0;
        for (let i = 0; i < lengthSize; i++) length = length * 256 + buf[pos++]!;
      } else if (length === 0x80) {
        throw new UnpackError(elementPath(path, buf, at, tagSize), at, 'BER-TLV indefinite length is not allowed');
      }
      // Tag and length errors point at the element, value errors at the value (as for fields).
      if (pos + length > end)
        throw new UnpackError(
          elementPath(path, buf, at, tagSize),
          pos,
          `value needs ${length} bytes, ${end - pos} left`,
        );
      r.pos = pos;
      const codec = known?.subfield.codec;
      if (codec === undefined || (codec.rawBytes && length <= codec.length)) {
        // Bytes, which need no check (unknown tags, and EMV's b elements of a length that fits).
        if (elements !== null)
          elements.push({ tag: known?.tag ?? tagString(buf, at, tagSize), value: copyBytes(buf, pos, length) });
        r.pos = pos + length;
      } else if (elements !== null) {
        elements.push({ tag: known!.tag, value: codec.readSized(r, length, pos) });
      } else {
        codec.skipSized(r, length, pos);
      }
      r.end = end;
    }
    r.end = outerEnd;
  }
}

/** A tag's bytes as one number (tags are at most 4 bytes). */
function tagCode(bytes: Uint8Array, at: number, size: number): number {
  let code = 0;
  for (let i = 0; i < size; i++) code = code * 256 + bytes[at + i]!;
  return code;
}

/** The path of the element whose tag is at `at`, for errors: `'55.9F02'`. */
function elementPath(path: FieldPath, bytes: Uint8Array, at: number, size: number): string {
  return `${path}.${tagString(bytes, at, size)}`;
}

function tagString(bytes: Uint8Array, at: number, size: number): string {
  let tag = HEX_PAIRS[bytes[at]!]!;
  for (let i = 1; i < size; i++) tag += HEX_PAIRS[bytes[at + i]!]!;
  return tag;
}

/** Writes a BER length (short form below 128, else 0x8N and N big-endian bytes); returns its size. */
function writeLength(buf: Buffer, pos: number, length: number): number {
  if (length < 0x80) {
    buf[pos] = length;
    return 1;
  }
  let size = 0;
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) size++;
  buf[pos] = 0x80 | size;
  for (let i = size, rest = length; i >= 1; i--, rest = Math.floor(rest / 256)) buf[pos + i] = rest % 256;
  return 1 + size;
}
