import type { FieldCodec } from './field-codec';

/**
 * The ASCII fields of a spec — text and digits, fixed or behind an ASCII length prefix, 126 of the
 * 127 data fields of `spec87ascii` — as numbers in typed arrays indexed by field number, so that
 * `unpack` checks them in its own loop with no call and no branch on a codec object's shape. Every
 * other field, and any field this check refuses, goes to the field's codec (`skip`), the one
 * implementation of every rule and every error message: a refusal here is never worded, so it
 * cannot disagree with the codec about how a refusal is worded; a property test (ascii-table.test.ts)
 * checks it lets through nothing the codecs refuse.
 *
 * Measured on the benchmark's 0100 (CPU µs per unpack, same run, load ~12): 0.76–0.80 through the
 * codecs, 0.66–0.70 with a checker generated per spec with `new Function` (a `switch` with each
 * field's checks inline, lengths and byte ranges as literals, as protobufjs and avsc generate
 * theirs), 0.59–0.62 with this table. So no code is generated: the table is faster, and simpler.
 * Building messages was measured the same ways and kept on the codecs' own `write` (inlined into
 * the constructor's loop): 1.34–1.43 µs a build, against 1.41–1.52 writing from this table and
 * 1.38 from generated code (whose one function of 128 fields, 63 400 bytes of bytecode, was over
 * V8's 60 KiB limit and ran interpreted at 6.9 µs until split) — the character loop costs the same.
 */
export class AsciiTable {
  /** 1 where the field is checked from this table. */
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

  constructor(fields: ReadonlyArray<FieldCodec | undefined>) {
    for (let n = 2; n <= 128; n++) {
      const shape = fields[n]?.asciiShape();
      if (shape === undefined) continue;
      this.inline[n] = 1;
      this.length[n] = shape.length;
      this.low[n] = shape.low;
      this.high[n] = shape.high;
      this.digits[n] = shape.prefixDigits;
      this.pad[n] = shape.padByte;
      this.padLeft[n] = shape.padLeft ? 1 : 0;
    }
  }
}
