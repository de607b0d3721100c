import type { AsciiFieldShape, FieldCodec } from './field-codec';
import type { Reader } from './io';

/**
 * The per-spec generated checker `unpack` runs over the fields a bitmap announces: one function per
 * spec, generated with `new Function` the first time the spec is used (as protobufjs and avsc
 * generate their codecs), a `switch` on the field number whose cases check each field inline — its
 * length, prefix size and byte range as literals, no per-field call, no branch on the field's shape.
 *
 * Only numbers go into the source: field numbers, lengths, prefix digits, byte ranges and pad bytes,
 * every one validated by `defineSpec` and checked again here to be an integer in range (`int`). No
 * string of a spec — its name, descriptions, pad characters, tags — is ever pasted into the code.
 *
 * Inline cases cover the fields most messages are made of: ASCII text and digits, fixed or behind an
 * ASCII length prefix (126 of the 127 data fields of `spec87ascii`). Every other field, and any field
 * an inline case refuses, goes from its first byte to the field codec's own `skip` — the one
 * implementation of every rule and every error message — so the generated code never words an error
 * and cannot disagree with the codec about what is refused (the vectors and the fuzz properties run
 * through both). Measured on the benchmark's 0100 (CPU µs, same run, load ~8): unpack 0.76 → 0.68.
 *
 * Generating the writer of `new Message` the same way was measured and dropped: inline per-field code
 * in chunks of 16 fields (one function of all 128 was 63 400 bytes of bytecode, over V8's 60 KiB
 * optimization limit, and ran interpreted at 6.9 µs a build) built the 0100 in 1.38 µs against
 * 1.13 for the field codecs' own inlined `write` — the time is in the character loop either way.
 */

/** Checks one field through its codec at `at` and fills its slot at `seg[i]`; returns where it ends. Set by unpack.ts. */
export type GeneralCheck = (
  fields: ReadonlyArray<FieldCodec | undefined>,
  r: Reader,
  n: number,
  at: number,
  seg: number[],
  i: number,
  bitmapAt: number,
) => number;

/**
 * The generated checker: checks each field the bitmap `words` announces from `r.pos`, filling slots
 * from `seg[i]` (see pack.ts); leaves `r.pos` after the last field and returns its number (1 if none).
 */
export type CheckFields = (
  fields: ReadonlyArray<FieldCodec | undefined>,
  r: Reader,
  seg: number[],
  i: number,
  words: Uint32Array,
  state: { field: number | string; offset: number },
  bitmapAt: number,
  general: GeneralCheck,
) => number;

/** A number for the generated source: an integer in `low..high`, or the spec compiler has a bug. */
function int(value: number, low: number, high: number): number {
  if (!Number.isInteger(value) || value < low || value > high) throw new Error(`unreachable: ${value} out of range`);
  return value;
}

/** The expression that is negative when `c` is outside `low..high` (ORed into `bad`). */
function outside(shape: AsciiFieldShape): string {
  const low = int(shape.low, 0, 0xff);
  const high = int(shape.high, 0, 0xff);
  return low === 0 ? `${high} - c` : `(c - ${low}) | (${high} - c)`;
}

/** Inline code checking ASCII field from `at`; success leaves the switch, `break fN` hands it to the codec. */
function checkAscii(n: number, shape: AsciiFieldShape): string[] {
  const length = int(shape.length, 0, 999_999);
  const digits = int(shape.prefixDigits, 0, 6);
  const pad = int(shape.padByte, -1, 0xff);
  const lines: string[] = [];
  if (digits > 0) {
    lines.push(`if (at + ${digits} > end) break f${n};`, 'units = 0;');
    for (let d = 0; d < digits; d++)
      lines.push(`c = buf[at + ${d}] - 48; if (c < 0 || c > 9) break f${n}; units = units * 10 + c;`);
    lines.push(`if (units > ${length}) break f${n};`, `data = at + ${digits};`);
  } else {
    lines.push(`units = ${length}; data = at;`);
  }
  lines.push(`if (data + units > end) break f${n};`, 'first = data; count = units;');
  // Padding is trimmed on the bytes before the rest is checked, as the field codec does.
  if (pad >= 0 && shape.padLeft) lines.push(`while (count > 0 && buf[first] === ${pad}) { first++; count--; }`);
  else if (pad >= 0) lines.push(`while (count > 0 && buf[first + count - 1] === ${pad}) count--;`);
  lines.push(`bad = 0; stop = first + count; for (i = first; i < stop; i++) { c = buf[i]; bad |= ${outside(shape)}; }`);
  lines.push(`if (bad < 0) break f${n};`);
  lines.push('seg[i0 + 3] = first; seg[i0 + 4] = count; pos = data + units; break;');
  return lines;
}

/** Generates the checker of a spec's fields (see {@link CheckFields}). */
export function compileCheck(fields: ReadonlyArray<FieldCodec | undefined>): CheckFields {
  const lines = [
    '"use strict";',
    'return function checkFields(fields, r, seg, i0, words, state, bitmapAt, general) {',
    'const buf = r.buf, end = r.end; let pos = r.pos, last = 1, at, units, data, first, count, stop, bad, c, i;',
    'for (let word = 0; word < 4; word++) {',
    'let bits = words[word];',
    'while (bits !== 0) {',
    'const bit = Math.clz32(bits);',
    'bits = (bits & ~(0x80000000 >>> bit)) >>> 0;',
    'const n = word * 32 + bit + 1;',
    'at = pos; state.field = n; state.offset = at; seg[i0] = n; seg[i0 + 1] = at;',
    'switch (n) {',
  ];
  for (let n = 2; n <= 128; n++) {
    const shape = fields[n]?.asciiShape();
    if (shape === undefined) continue;
    lines.push(`case ${int(n, 2, 128)}: f${n}: {`, ...checkAscii(n, shape), '}');
    lines.push('pos = general(fields, r, n, at, seg, i0, bitmapAt); break;');
  }
  lines.push('default: pos = general(fields, r, n, at, seg, i0, bitmapAt);', '}');
  lines.push('seg[i0 + 2] = pos; i0 += 5; last = n;', '}', '}', 'r.pos = pos;', 'return last;', '};');
  return new Function(lines.join('\n'))() as CheckFields;
}
