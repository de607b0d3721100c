import { PackError, UnpackError, type FieldPath } from '../../errors';
import type { TagSpec } from '../../spec/types';
import type { FieldInput, FieldValue, TlvElement } from '../../values';
import { EBCDIC_TO_LATIN1, LATIN1_TO_EBCDIC } from '../ebcdic';
import type { FieldCodec } from '../field-codec';
import { toHex } from '../hex';
import type { Reader, Writer } from '../io';
import type { LengthPrefix } from '../length-prefix';
import { ByteUnitCodec, type CompositeCodec } from '../value-codec';
import { elementAt, elementsOf } from './tlv-input';

const HEX_TAG = /^[0-9A-F]*$/;

/**
 * Tag-length-value elements with tags of a fixed size (e.g. field 48 private data: a 2-character tag,
 * a 2-digit length, the value). The value is `[{ tag, value }, ...]` in wire order, repeated tags
 * kept; units are bytes. Elements whose tag has no subfield spec are kept as text (text tags) or
 * bytes (binary tags) and re-packed as they came.
 *
 * With `lengthFirst` the element length comes first and counts the tag as well as the value
 * (`LL TT value`, as jPOS's IFEP_ classes inside an EuroSubFieldPackager write them); the element
 * codecs then have no prefix of their own and are read and written by size.
 */
export class TlvCodec extends ByteUnitCodec implements CompositeCodec {
  constructor(
    private readonly path: FieldPath,
    private readonly tag: TagSpec,
    /** Element codecs by tag; each is framed by the element length prefix. */
    private readonly known: ReadonlyMap<string, FieldCodec>,
    /** Builds a codec for a tag the spec does not know. */
    private readonly unknown: (tag: string) => FieldCodec,
    /** The element length written before the tag, counting tag and value; `null` when each element codec frames its value. */
    private readonly lengthFirst: LengthPrefix | null = null,
  ) {
    super();
  }

  private codecFor(tag: string): FieldCodec {
    return this.known.get(tag) ?? this.unknown(tag);
  }

  write(w: Writer, input: FieldInput, path: FieldPath): number {
    const start = w.pos;
    const elements = elementsOf(input, path);
    for (let i = 0; i < elements.length; i++) {
      const element = elementAt(elements, i, path);
      const tag = this.checkTag(element.tag as string, path);
      if (this.lengthFirst !== null) {
        this.writeLengthFirst(w, tag, element.value as FieldInput);
        continue;
      }
      this.writeTag(w, tag);
      this.codecFor(tag).write(w, element.value as FieldInput);
    }
    return w.pos - start;
  }

  private writeLengthFirst(w: Writer, tag: string, value: FieldInput): void {
    const prefix = this.lengthFirst!;
    const at = w.pos;
    w.ensure(prefix.size);
    w.pos = at + prefix.size;
    this.writeTag(w, tag);
    const valueStart = w.pos;
    this.codecFor(tag).writeBare(w, value);
    const length = this.tag.length + w.pos - valueStart;
    if (length > prefix.capacity)
      throw new PackError(
        `${this.path}.${tag}`,
        `tag and value take ${length} bytes, the ${prefix} holds at most ${prefix.capacity}`,
      );
    prefix.write(w.buf, at, length);
  }

  private writeTag(w: Writer, tag: string): void {
    const { length, encoding } = this.tag;
    w.ensure(length);
    if (encoding === 'binary') {
      w.buf.write(tag, w.pos, length, 'hex');
    } else {
      for (let i = 0; i < length; i++) {
        const code = tag.charCodeAt(i);
        w.buf[w.pos + i] = encoding === 'ascii' ? code : LATIN1_TO_EBCDIC[code]!;
      }
    }
    w.pos += length;
  }

  read(r: Reader, start: number, units: number): FieldValue {
    const elements: TlvElement[] = [];
    this.walk(r, start, units, elements);
    return elements;
  }

  check(r: Reader, start: number, units: number): void {
    this.walk(r, start, units, null);
  }

  /** Goes through the elements at `start`, checking each; builds them into `elements` unless it is null. */
  private walk(r: Reader, start: number, units: number, elements: TlvElement[] | null): void {
    const outerEnd = r.end;
    const end = start + units;
    r.end = end;
    r.pos = start;
    while (r.pos < end) {
      if (this.lengthFirst !== null) {
        this.readLengthFirst(r, elements);
        continue;
      }
      const tag = this.readTag(r);
      const codec = this.codecFor(tag);
      if (elements !== null) elements.push({ tag, value: codec.read(r) });
      else codec.skip(r);
    }
    r.end = outerEnd;
  }

  private readLengthFirst(r: Reader, elements: TlvElement[] | null): void {
    const prefix = this.lengthFirst!;
    const at = r.pos;
    if (at + prefix.size > r.end)
      throw new UnpackError(this.path, at, `${prefix} needs ${prefix.size} bytes, ${r.end - at} left`);
    const length = prefix.read(r.buf, at, this.path, at);
    r.pos = at + prefix.size;
    if (length < this.tag.length)
      throw new UnpackError(this.path, at, `element length ${length} cannot hold its ${this.tag.length}-byte tag`);
    const tag = this.readTag(r);
    const bytes = length - this.tag.length;
    if (r.pos + bytes > r.end)
      throw new UnpackError(`${this.path}.${tag}`, r.pos, `data needs ${bytes} bytes, ${r.end - r.pos} left`);
    const codec = this.codecFor(tag);
    if (elements !== null) elements.push({ tag, value: codec.readSized(r, bytes, r.pos) });
    else codec.skipSized(r, bytes, r.pos);
  }

  private readTag(r: Reader): string {
    const { length, encoding } = this.tag;
    const at = r.pos;
    if (at + length > r.end) throw new UnpackError(this.path, at, `tag needs ${length} bytes, ${r.end - at} left`);
    r.pos = at + length;
    if (encoding === 'binary') return toHex(r.buf.subarray(at, at + length));
    let tag = '';
    for (let i = at; i < at + length; i++) {
      const byte = r.buf[i]!;
      if (encoding === 'ascii' && byte > 0x7f)
        throw new UnpackError(this.path, at, `tag byte at offset ${i} is not ASCII`);
      tag += String.fromCharCode(encoding === 'ascii' ? byte : EBCDIC_TO_LATIN1[byte]!);
    }
    return tag;
  }

  private checkTag(tag: string, path: FieldPath): string {
    const { length, encoding } = this.tag;
    if (encoding === 'binary') {
      const hex = tag.toUpperCase();
      if (hex.length !== length * 2 || !HEX_TAG.test(hex))
        throw new PackError(path, `tags must be ${length * 2} hex characters`);
      return hex;
    }
    const limit = encoding === 'ascii' ? 0x7f : 0xff;
    let fits = tag.length === length;
    for (let i = 0; fits && i < length; i++) fits = tag.charCodeAt(i) <= limit;
    if (!fits) throw new PackError(path, `tags must be ${length} ${encoding} characters`);
    return tag;
  }
}
