import { PackError, UnpackError, type FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import { EBCDIC_TO_LATIN1, EBCDIC_ZERO, LATIN1_TO_EBCDIC } from './ebcdic';
import { scratchBuffer, type Reader, type Writer } from './io';
import { normalizeDigits, normalizeText } from './normalize';
import type { ValueCodec } from './value-codec';

/** Members shared by the one-byte-a-character codecs. */
abstract class CharCodec implements ValueCodec {
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

/** Text in ASCII: characters 0x00-0x7F, refused above. */
export class AsciiTextCodec extends CharCodec {
  write(w: Writer, value: FieldValue, path: FieldPath): number {
    const text = value as string;
    const n = text.length;
    w.ensure(n);
    const buf = w.buf;
    let pos = w.pos;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) throw new PackError(path, `character ${i + 1} cannot be written in ASCII`);
      buf[pos++] = code;
    }
    w.pos = pos;
    return n;
  }

  read(r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue {
    const buf = r.buf;
    const end = start + units;
    for (let i = start; i < end; i++) {
      if (buf[i]! > 0x7f) throw new UnpackError(path, offset, `byte at offset ${i} is not ASCII`);
    }
    return r.latin1(start, end);
  }

  normalize(input: FieldInput, path: FieldPath): FieldValue {
    return normalizeText(input, path);
  }
}

/** Decimal digits in ASCII ('0'..'9' only). */
export class AsciiDigitsCodec extends CharCodec {
  write(w: Writer, value: FieldValue, path: FieldPath): number {
    const digits = value as string;
    const n = digits.length;
    w.ensure(n);
    const buf = w.buf;
    let pos = w.pos;
    for (let i = 0; i < n; i++) {
      const code = digits.charCodeAt(i);
      if (code < 0x30 || code > 0x39) throw new PackError(path, `character ${i + 1} is not a digit`);
      buf[pos++] = code;
    }
    w.pos = pos;
    return n;
  }

  read(r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue {
    const buf = r.buf;
    const end = start + units;
    for (let i = start; i < end; i++) {
      const byte = buf[i]!;
      if (byte < 0x30 || byte > 0x39) throw new UnpackError(path, offset, `byte at offset ${i} is not an ASCII digit`);
    }
    return r.latin1(start, end);
  }

  normalize(input: FieldInput, path: FieldPath): FieldValue {
    return normalizeDigits(input, path);
  }
}

/** Text in EBCDIC (code page 037): any character U+0000..U+00FF. */
export class EbcdicTextCodec extends CharCodec {
  write(w: Writer, value: FieldValue, path: FieldPath): number {
    const text = value as string;
    const n = text.length;
    w.ensure(n);
    const buf = w.buf;
    let pos = w.pos;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff) throw new PackError(path, `character ${i + 1} cannot be written in EBCDIC`);
      buf[pos++] = LATIN1_TO_EBCDIC[code]!;
    }
    w.pos = pos;
    return n;
  }

  read(r: Reader, start: number, units: number): FieldValue {
    const out = scratchBuffer(units);
    const buf = r.buf;
    for (let i = 0; i < units; i++) out[i] = EBCDIC_TO_LATIN1[buf[start + i]!]!;
    return out.toString('latin1', 0, units);
  }

  normalize(input: FieldInput, path: FieldPath): FieldValue {
    return normalizeText(input, path);
  }
}

/** Decimal digits in EBCDIC (0xF0..0xF9). */
export class EbcdicDigitsCodec extends CharCodec {
  write(w: Writer, value: FieldValue, path: FieldPath): number {
    const digits = value as string;
    const n = digits.length;
    w.ensure(n);
    const buf = w.buf;
    let pos = w.pos;
    for (let i = 0; i < n; i++) {
      const code = digits.charCodeAt(i);
      if (code < 0x30 || code > 0x39) throw new PackError(path, `character ${i + 1} is not a digit`);
      buf[pos++] = code - 0x30 + EBCDIC_ZERO;
    }
    w.pos = pos;
    return n;
  }

  read(r: Reader, start: number, units: number, path: FieldPath, offset: number): FieldValue {
    const out = scratchBuffer(units);
    const buf = r.buf;
    for (let i = 0; i < units; i++) {
      const byte = buf[start + i]!;
      if (byte < EBCDIC_ZERO || byte > EBCDIC_ZERO + 9) {
        throw new UnpackError(path, offset, `byte at offset ${start + i} is not an EBCDIC digit`);
      }
      out[i] = byte - EBCDIC_ZERO + 0x30;
    }
    return out.toString('latin1', 0, units);
  }

  normalize(input: FieldInput, path: FieldPath): FieldValue {
    return normalizeDigits(input, path);
  }
}
