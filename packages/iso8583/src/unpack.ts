import type { CompiledSpec } from './codec/compile-spec';
import { compileSpec } from './codec/compile-spec';
import type { AsciiTable } from './codec/ascii-table';
import { Reader, WireStore } from './codec/io';
import { UnpackError, type FieldPath } from './errors';
import { type Message, messageFromParts } from './message';
import { SEG, SEG_AT, SEG_DATA, SEG_END, SEG_N, SEG_UNITS } from './pack';
import type { MessageSpec } from './spec/types';
import type { FieldValue } from './values';

const FIRST_BIT = 0x80000000;
const bitmapWords = new Uint32Array(4);

/** Where decoding is, for wrapping an unexpected error; one object serves every (synchronous) call. */
interface DecodeState {
  field: FieldPath;
  offset: number;
}
const decodeState: DecodeState = { field: 0, offset: 0 };

/**
 * Decodes bytes (a `Uint8Array` or `Buffer`, any offset) as a message of `spec`. Refuses truncated
 * input, trailing bytes, bad lengths, bad BCD or hex, non-digits in numeric fields, non-ASCII bytes
 * in ASCII fields and bitmap bits naming fields the spec lacks, always with an {@link UnpackError}
 * naming the field and byte offset; no other error escapes.
 *
 * Every byte is checked here, so a message that unpacks is valid throughout; each value is then
 * built the first time it is asked for (`get`, `describe`...), which never throws. The message
 * keeps its own copy of the input, and packs every field that is not set again to the exact bytes
 * it arrived with (lower-case hex, long-form BER-TLV lengths and all): changing `bytes` afterwards
 * does not change it.
 *
 * @example
 * ```ts
 * const request = unpack(spec87ascii, frame);
 * request.get(11); // the STAN
 * ```
 */
export function unpack(spec: MessageSpec, bytes: Uint8Array): Message {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('unpack: bytes must be a Uint8Array or Buffer');
  const compiled = compileSpec(spec);
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const state = decodeState;
  state.field = 0;
  state.offset = 0;
  const text = buf.toString('latin1');
  try {
    const seg = checkFields(compiled, new Reader(buf, text), state);
    return messageFromParts({
      compiled,
      values: new Array<FieldValue | undefined>(seg.length / SEG),
      seg,
      store: new WireStore(undefined, text),
      stores: undefined,
      whole: true,
    });
  } catch (error) {
    if (error instanceof UnpackError) throw error;
    // Defensive: a decoder bug must still surface as an UnpackError, never as a bare TypeError.
    throw new UnpackError(state.field, state.offset, 'could not be decoded', { cause: error });
  }
}

/**
 * Checks the MTI, the bitmaps and every field announced, in wire order. Returns where each field's
 * bytes and data are, a slot of SEG numbers a field (see pack.ts): the MTI, the bitmap, the fields.
 */
function checkFields(compiled: CompiledSpec, r: Reader, state: DecodeState): number[] {
  const mtiData = compiled.mti.skip(r);
  const mtiUnits = r.units;
  const mtiEnd = r.pos;

  state.field = 1;
  state.offset = r.pos;
  const bitmapAt = r.pos;
  // Decoding is synchronous and never re-entered, so one bitmap buffer serves every call.
  const words = bitmapWords;
  words[0] = words[1] = words[2] = words[3] = 0;
  compiled.bitmap.read(r, words);
  // Sized once for the fields present, so filling it never reallocates.
  const seg = new Array<number>((2 + fieldCount(words)) * SEG);
  seg[SEG_N] = 0;
  seg[SEG_AT] = 0;
  seg[SEG_END] = mtiEnd;
  seg[SEG_DATA] = mtiData;
  seg[SEG_UNITS] = mtiUnits;
  seg[SEG + SEG_N] = 1;
  seg[SEG + SEG_AT] = bitmapAt;
  seg[SEG + SEG_END] = r.pos;
  seg[SEG + SEG_DATA] = bitmapAt;
  seg[SEG + SEG_UNITS] = 0;
  const last = checkDataFields(compiled, r, seg, words, state, bitmapAt);
  if (r.pos < r.end) throw new UnpackError(last, r.pos, `${bytesLeft(r.end - r.pos)} after the last field`);
  return seg;
}

/**
 * Checks each data field the bitmap `words` announces, from `r.pos`, filling their slots from the
 * third one (see pack.ts); leaves `r.pos` after the last field and returns its number (1 if none).
 * ASCII fields are checked here from the spec's {@link AsciiTable}; every other field, and any that
 * check refuses, goes to its codec's `skip`, which throws the precise error.
 */
function checkDataFields(
  compiled: CompiledSpec,
  r: Reader,
  seg: number[],
  words: Uint32Array,
  state: DecodeState,
  bitmapAt: number,
): number {
  const table = compiled.ascii;
  const buf = r.buf;
  const end = r.end;
  let pos = r.pos;
  let i = 2 * SEG;
  let last = 1;
  for (let word = 0; word < 4; word++) {
    let bits = words[word]!;
    while (bits !== 0) {
      const bit = Math.clz32(bits);
      bits = (bits & ~(FIRST_BIT >>> bit)) >>> 0;
      const n = word * 32 + bit + 1;
      const at = pos;
      state.field = n;
      state.offset = at;
      seg[i + SEG_N] = n;
      seg[i + SEG_AT] = at;
      const checked = table.inline[n] === 1 ? checkAscii(table, n, buf, at, end, seg, i) : -1;
      if (checked >= 0) pos = checked;
      else {
        const codec = compiled.fields[n];
        if (codec === undefined)
          throw new UnpackError(1, bitmapAt, `bit ${n} is set but the spec does not define field ${n}`);
        r.pos = at;
        seg[i + SEG_DATA] = codec.skip(r);
        seg[i + SEG_UNITS] = r.units;
        pos = r.pos;
      }
      seg[i + SEG_END] = pos;
      i += SEG;
      last = n;
    }
  }
  r.pos = pos;
  return last;
}

/**
 * Checks ASCII field `n` at `at` as its codec's `skip` would (prefix, bounds, padding trimmed, byte
 * range), fills its data start and units in the slot at `seg[i]` and returns where the field ends;
 * -1 for anything it does not accept (the codec then says what is wrong).
 */
function checkAscii(
  table: AsciiTable,
  n: number,
  buf: Buffer,
  at: number,
  end: number,
  seg: number[],
  i: number,
): number {
  let units = table.length[n]!;
  let data = at;
  const digits = table.digits[n]!;
  if (digits > 0) {
    if (at + digits > end) return -1;
    let length = 0;
    for (let d = 0; d < digits; d++) {
      const digit = buf[at + d]! - 0x30;
      if (digit < 0 || digit > 9) return -1;
      length = length * 10 + digit;
    }
    if (length > units) return -1;
    units = length;
    data = at + digits;
  }
  if (data + units > end) return -1;
  // Padding is trimmed on the bytes before the rest is checked, as the codec does.
  let first = data;
  let count = units;
  const pad = table.pad[n]!;
  if (pad >= 0 && table.padLeft[n] === 1) {
    while (count > 0 && buf[first] === pad) {
      first++;
      count--;
    }
  } else if (pad >= 0) {
    while (count > 0 && buf[first + count - 1] === pad) count--;
  }
  const low = table.low[n]!;
  const high = table.high[n]!;
  // One test at the end instead of a branch a byte: negative when any byte is outside low..high.
  let outside = 0;
  for (let b = first, stop = first + count; b < stop; b++) {
    const byte = buf[b]!;
    outside |= (byte - low) | (high - byte);
  }
  if (outside < 0) return -1;
  seg[i + SEG_DATA] = first;
  seg[i + SEG_UNITS] = count;
  return data + units;
}

/** How many fields the bitmap words announce. */
function fieldCount(words: Uint32Array): number {
  let count = 0;
  for (let word = 0; word < 4; word++) {
    // Population count of a 32-bit word.
    let bits = words[word]!;
    bits = bits - ((bits >>> 1) & 0x55555555);
    bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
    count += (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return count;
}

function bytesLeft(count: number): string {
  return count === 1 ? '1 byte left' : `${count} bytes left`;
}
