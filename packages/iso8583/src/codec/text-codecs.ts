import { PackError, UnpackError, type FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import { EBCDIC_TO_LATIN1, LATIN1_TO_EBCDIC } from './ebcdic';
import { scratchBuffer, type Reader, type Writer } from './io';
import { ByteUnitCodec, type ByteSource, type ScalarCodec } from './value-codec';

/** Maps 0..255 to a byte or character code, -1 where there is none (a character or byte refused). */
type CharTable = Int16Array;

/** How a one-byte-a-character codec names what it refuses. */
interface Refusals {
  /** Completes `character N ...` for a refused character, e.g. `is not a digit`. */
  character: string;
  /** Completes `byte at offset N ...` for a refused byte, e.g. `is not ASCII`. */
  byte: string;
}

/**
 * Text or digits written one byte a character: what ASCII and EBCDIC share. Every character and
 * byte is checked: Node's own latin1/ascii decoders would accept anything.
 */
abstract class CharCodec extends ByteUnitCodec implements ScalarCodec {
  constructor(
    /** Character code (0..255) → byte, -1 for characters the codec refuses. */
    private readonly toWire: CharTable,
    private readonly refusals: Refusals,
  ) {
    super();
  }

  write(w: Writer, value: FieldInput, path: FieldPath): number {
    const text = value as string;
    const n = text.length;
    w.ensure(n);
    const buf = w.buf;
    const toWire = this.toWire;
    let pos = w.pos;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      const byte = code > 0xff ? -1 : toWire[code]!;
      if (byte < 0) throw this.refusedCharacter(path, i);
      buf[pos++] = byte;
    }
    w.pos = pos;
    return n;
  }

  abstract check(r: Reader, start: number, units: number, path: FieldPath, offset: number): void;
  abstract decode(src: ByteSource, start: number, units: number): FieldValue;

  protected refusedCharacter(path: FieldPath, index: number): PackError {
    return new PackError(path, `character ${index + 1} ${this.refusals.character}`);
  }

  protected refusedByte(path: FieldPath, offset: number, at: number): UnpackError {
    return new UnpackError(path, offset, `byte at offset ${at} ${this.refusals.byte}`);
  }
}

/**
 * ASCII text or digits: the bytes are the characters, accepted in a range (`0x00..0x7F` for text,
 * `'0'..'9'` for digits), so decoding is a substring of the input read once as latin1.
 */
export class AsciiCodec extends CharCodec {
  constructor(
    /** The lowest byte (and character code) accepted. */
    readonly low: number,
    /** The highest byte (and character code) accepted. */
    readonly high: number,
    refusals: Refusals,
  ) {
    super(
      table((code) => (code >= low && code <= high ? code : -1)),
      refusals,
    );
  }

  // Overrides the table-driven write: a range check per character needs no table load.
  override write(w: Writer, value: FieldInput, path: FieldPath): number {
    const text = value as string;
    const n = text.length;
    w.ensure(n);
    const buf = w.buf;
    const low = this.low;
    const high = this.high;
    let pos = w.pos;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      if (code < low || code > high) throw this.refusedCharacter(path, i);
      buf[pos++] = code;
    }
    w.pos = pos;
    return n;
  }

  check(r: Reader, start: number, units: number, path: FieldPath, offset: number): void {
    const buf = r.buf;
    const end = start + units;
    const low = this.low;
    const high = this.high;
    // Text (from 0) needs one comparison a byte; digits two.
    if (low === 0) {
      for (let i = start; i < end; i++) if (buf[i]! > high) throw this.refusedByte(path, offset, i);
    } else {
      for (let i = start; i < end; i++) {
        const byte = buf[i]!;
        if (byte < low || byte > high) throw this.refusedByte(path, offset, i);
      }
    }
  }

  decode(src: ByteSource, start: number, units: number): FieldValue {
    const text = src.text;
    return text !== undefined
      ? text.slice(start, start + units)
      : src.bytes(start, start + units).toString('latin1', start, start + units);
  }
}

/** EBCDIC text or digits, translated through a pair of tables (-1 = refused). */
export class EbcdicCodec extends CharCodec {
  constructor(
    toWire: CharTable,
    /** Byte → character code, -1 for bytes the codec refuses. */
    private readonly fromWire: CharTable,
    refusals: Refusals,
  ) {
    super(toWire, refusals);
  }

  check(r: Reader, start: number, units: number, path: FieldPath, offset: number): void {
    const buf = r.buf;
    const fromWire = this.fromWire;
    for (let i = start; i < start + units; i++) if (fromWire[buf[i]!]! < 0) throw this.refusedByte(path, offset, i);
  }

  decode(src: ByteSource, start: number, units: number): FieldValue {
    const fromWire = this.fromWire;
    const buf = src.bytes(start, start + units);
    const out = scratchBuffer(units);
    for (let i = 0; i < units; i++) out[i] = fromWire[buf[start + i]!]!;
    return out.toString('latin1', 0, units);
  }
}

/** A table of 256 entries, `entry(i)` each (-1 = refused). */
function table(entry: (i: number) => number): CharTable {
  return Int16Array.from({ length: 256 }, (_, i) => entry(i));
}

const isDigitCode = (code: number): boolean => code >= 0x30 && code <= 0x39;

/** Text in ASCII: characters 0x00-0x7F, refused above. */
export const ASCII_TEXT = new AsciiCodec(0, 0x7f, { character: 'cannot be written in ASCII', byte: 'is not ASCII' });

/** Decimal digits in ASCII ('0'..'9' only). */
export const ASCII_DIGITS = new AsciiCodec(0x30, 0x39, { character: 'is not a digit', byte: 'is not an ASCII digit' });

/** Text in EBCDIC (code page 037): any character U+0000..U+00FF, and every byte decodes. */
export const EBCDIC_TEXT = new EbcdicCodec(
  table((i) => LATIN1_TO_EBCDIC[i]!),
  table((i) => EBCDIC_TO_LATIN1[i]!),
  { character: 'cannot be written in EBCDIC', byte: 'is not EBCDIC' },
);

/** Decimal digits in EBCDIC (0xF0..0xF9). */
export const EBCDIC_DIGITS = new EbcdicCodec(
  table((i) => (isDigitCode(i) ? LATIN1_TO_EBCDIC[i]! : -1)),
  table((i) => (isDigitCode(EBCDIC_TO_LATIN1[i]!) ? EBCDIC_TO_LATIN1[i]! : -1)),
  { character: 'is not a digit', byte: 'is not an EBCDIC digit' },
);

const isTrack2Code = (code: number): boolean => isDigitCode(code) || code === 0x3d;

/**
 * Track 2 data in ASCII: digits and the `=` separator. Table-driven like EBCDIC (a range check
 * cannot express two ranges), so it shares {@link EbcdicCodec}'s class and its dispatch.
 */
export const ASCII_TRACK2 = new EbcdicCodec(
  table((i) => (isTrack2Code(i) ? i : -1)),
  table((i) => (isTrack2Code(i) ? i : -1)),
  { character: "is not a digit or the separator '='", byte: 'is not track 2 data (ASCII digits and =)' },
);

/** Track 2 data in EBCDIC: digits and `=`. */
export const EBCDIC_TRACK2 = new EbcdicCodec(
  table((i) => (isTrack2Code(i) ? LATIN1_TO_EBCDIC[i]! : -1)),
  table((i) => (isTrack2Code(EBCDIC_TO_LATIN1[i]!) ? EBCDIC_TO_LATIN1[i]! : -1)),
  { character: "is not a digit or the separator '='", byte: 'is not track 2 data (EBCDIC digits and =)' },
);
