import type { FieldCodec } from './field-codec';
import { written } from './field-codec';
import type { Writer } from './io';

/**
 * The ASCII fields of a spec — text and digits, fixed or behind an ASCII length prefix, the MTI and
 * 126 of the 127 data fields of `spec87ascii` — as numbers in typed arrays indexed by field number,
 * so that `unpack` checks them and `new Message` writes them in their own loops, with no call and no
 * branch on a codec object's shape. Every other field, and any field these loops refuse, goes to
 * the field's codec (`skip`, `write`), the one implementation of every rule and every error message:
 * a refusal here is never worded, so it cannot disagree with the codec about how a refusal is
 * worded; property tests (ascii-table.test.ts) check that neither loop lets through anything the
 * codecs refuse, and that both agree with the codecs on everything else.
 *
 * Measured on the benchmark's 0100 (CPU µs per unpack, same run, load ~12): 0.76–0.80 through the
 * codecs, 0.66–0.70 with a checker generated per spec with `new Function` (a `switch` with each
 * field's checks inline, lengths and byte ranges as literals, as protobufjs and avsc generate
 * theirs), 0.59–0.62 with this table. So no code is generated: the table is faster, and simpler.
 */
export class AsciiTable {
  /** 1 where the field is checked and written from this table. */
  readonly inline = new Uint8Array(129);
  /** Fixed length, or the maximum behind a prefix. */
  readonly length = new Int32Array(129);
  /** The byte range the encoding accepts (0x00..0x7F for text, 0x30..0x39 for digits). */
  readonly low = new Int32Array(129);
  readonly high = new Int32Array(129);
  /** Digits of the ASCII length prefix, 0 for a fixed field. */
  readonly digits = new Int32Array(129);
  /** The pad byte, -1 without padding; and 1 where padding goes on the left. */
  readonly pad = new Int32Array(129).fill(-1);
  readonly padLeft = new Uint8Array(129);
  /** 1 where short digit strings are zero-filled on the left (fixed numerics but the MTI). */
  readonly zeroFill = new Uint8Array(129);

  constructor(fields: ReadonlyArray<FieldCodec | undefined>) {
    for (let n = 0; n <= 128; n++) {
      const shape = n === 1 ? undefined : fields[n]?.asciiShape();
      if (shape === undefined) continue;
      this.inline[n] = 1;
      this.length[n] = shape.length;
      this.low[n] = shape.low;
      this.high[n] = shape.high;
      this.digits[n] = shape.prefixDigits;
      this.pad[n] = shape.padByte;
      this.padLeft[n] = shape.padLeft ? 1 : 0;
      this.zeroFill[n] = shape.zeroFill ? 1 : 0;
    }
  }
}

/**
 * Writes ASCII field `n` (inline in `table`) from `text` at `w.pos` as its codec's `write` would —
 * length prefix, zero fill or padding, every character checked against the field's range — and
 * leaves the same data start, units and value in `written`. Returns false when it refuses the text
 * (too long, too short to fill, a character out of range), having moved nothing: the codec then
 * writes the field or throws the precise error.
 *
 * Measured on the benchmark's 0100 (CPU µs a build, alternated with the build before in the same
 * minutes, load ~2.5): 1.20–1.26 through the codecs' `write`, 1.01–1.11 from this table (with the
 * EMV hex values of field 55 taken straight to the hex loop, see ber-tlv-codec.ts).
 */
export function writeAscii(table: AsciiTable, n: number, text: string, w: Writer): boolean {
  const units = text.length;
  const length = table.length[n]!;
  if (units > length) return false;
  const digits = table.digits[n]!;
  w.ensure(digits > 0 ? digits + units : length);
  const buf = w.buf;
  const start = w.pos;
  let pos = start;
  let data = start;
  let dataUnits = units;
  let value: string | undefined = text;
  let rightFill = 0;
  if (digits > 0) {
    for (let d = digits - 1, rest = units; d >= 0; d--, rest = (rest / 10) | 0) buf[start + d] = 0x30 + (rest % 10);
    pos += digits;
    data = pos;
  } else if (units !== length) {
    const count = length - units;
    const pad = table.pad[n]!;
    if (table.zeroFill[n] === 1) {
      // Read back as the filled digits, decoded from the bytes.
      for (let i = 0; i < count; i++) buf[pos++] = 0x30;
      dataUnits = length;
      value = undefined;
    } else if (pad < 0) {
      return false;
    } else if (table.padLeft[n] === 1) {
      for (let i = 0; i < count; i++) buf[pos++] = pad;
      data = pos;
    } else {
      rightFill = count;
    }
  }
  const low = table.low[n]!;
  const high = table.high[n]!;
  // One test at the end instead of a branch a character: negative when any is outside low..high.
  let outside = 0;
  for (let i = 0; i < units; i++) {
    const code = text.charCodeAt(i);
    outside |= (code - low) | (high - code);
    buf[pos++] = code;
  }
  if (outside < 0) return false;
  if (rightFill > 0) {
    const pad = table.pad[n]!;
    for (let i = 0; i < rightFill; i++) buf[pos++] = pad;
  }
  w.pos = pos;
  const out = written;
  out.data = data;
  out.units = dataUnits;
  out.value = value;
  return true;
}
