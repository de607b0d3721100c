import type { CompiledSpec } from './codec/compile-spec';
import { compileSpec } from './codec/compile-spec';
import type { GeneralCheck } from './codec/compile-message';
import { Reader, WireStore } from './codec/io';
import { UnpackError, type FieldPath } from './errors';
import { type Message, messageFromParts } from './message';
import { SEG, SEG_AT, SEG_DATA, SEG_END, SEG_N, SEG_UNITS } from './pack';
import type { MessageSpec } from './spec/types';
import type { FieldValue } from './values';

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
  const last = compiled.check(compiled.fields, r, seg, 2 * SEG, words, state, bitmapAt, checkField);
  if (r.pos < r.end) throw new UnpackError(last, r.pos, `${bytesLeft(r.end - r.pos)} after the last field`);
  return seg;
}

/**
 * Checks field `n` at `at` through its codec and fills its slot at `seg[i]` (data start and units);
 * returns where the field ends. What the generated checker runs for fields it has no inline code for,
 * and for fields its inline code refuses (the codec throws the precise error).
 */
const checkField: GeneralCheck = (fields, r, n, at, seg, i, bitmapAt) => {
  const codec = fields[n];
  if (codec === undefined)
    throw new UnpackError(1, bitmapAt, `bit ${n} is set but the spec does not define field ${n}`);
  r.pos = at;
  seg[i + SEG_DATA] = codec.skip(r);
  seg[i + SEG_UNITS] = r.units;
  return r.pos;
};

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
