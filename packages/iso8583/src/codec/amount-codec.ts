import { PackError, UnpackError, type FieldPath } from '../errors';
import type { FieldInput, FieldValue } from '../values';
import { LATIN1_TO_EBCDIC } from './ebcdic';
import type { Reader, Writer } from './io';
import { kindOf } from './normalize';
import type { ByteSource, ScalarCodec } from './value-codec';

const CREDIT = 0x43; // 'C'
const DEBIT = 0x44; // 'D'

/**
 * An ISO x+n amount: a sign character, `C` (credit) or `D` (debit), then a fixed number of digits.
 * The sign is one byte (ASCII, or EBCDIC for EBCDIC amounts; ASCII for BCD amounts, as jPOS's
 * IFB_AMOUNT writes it) and the digits go through the digit codec of the encoding. Units count the
 * sign and the digits, so a field of `length` digits is `length + 1` units. Writing takes what `set`
 * was given — `'C'` or `'D'` and up to `digitCount` digits — and zero-fills the digits.
 */
export class AmountCodec implements ScalarCodec {
  private readonly signCredit: number;
  private readonly signDebit: number;

  constructor(
    /** How the digits are written (their codec checks and builds them). */
    private readonly digits: ScalarCodec,
    /** The number of digits, the sign not counted. */
    private readonly digitCount: number,
    /** Whether the digits are BCD (two a byte) rather than one byte a digit. */
    private readonly bcd: boolean,
    /** Whether the sign is written in EBCDIC. */
    ebcdicSign: boolean,
  ) {
    this.signCredit = ebcdicSign ? LATIN1_TO_EBCDIC[CREDIT]! : CREDIT;
    this.signDebit = ebcdicSign ? LATIN1_TO_EBCDIC[DEBIT]! : DEBIT;
  }

  byteLength(units: number): number {
    return this.bcd ? 1 + (units >> 1) : units;
  }

  unitsIn(bytes: number): number {
    if (bytes < 1) return -1;
    return this.bcd ? 1 + (bytes - 1) * 2 : bytes;
  }

  write(w: Writer, input: FieldInput, path: FieldPath): number {
    const digits = this.digitsOf(input, path);
    w.ensure(1);
    w.buf[w.pos++] = (input as string).charCodeAt(0) === CREDIT ? this.signCredit : this.signDebit;
    return 1 + this.digits.write(w, digits, path);
  }

  check(r: Reader, start: number, units: number, path: FieldPath, offset: number): void {
    const sign = r.buf[start]!;
    if (sign !== this.signCredit && sign !== this.signDebit)
      throw new UnpackError(path, offset, `byte at offset ${start} is not an amount sign (C or D)`);
    this.digits.check(r, start + 1, units - 1, path, offset);
  }

  decode(src: ByteSource, start: number, units: number): FieldValue {
    const sign = src.bytes(start, start + 1)[start] === this.signCredit ? 'C' : 'D';
    return sign + (this.digits.decode(src, start + 1, units - 1) as string);
  }

  /** The digits of `'C'` or `'D'` and up to `digitCount` digits, zero-filled to `digitCount`. */
  private digitsOf(input: FieldInput, path: FieldPath): string {
    if (typeof input !== 'string')
      throw new PackError(path, `expected an amount as a string ('C' or 'D', then digits), got ${kindOf(input)}`);
    const sign = input.charCodeAt(0);
    if (sign !== CREDIT && sign !== DEBIT)
      throw new PackError(path, `an amount starts with its sign, 'C' (credit) or 'D' (debit)`);
    for (let i = 1; i < input.length; i++) {
      const code = input.charCodeAt(i);
      if (code < 0x30 || code > 0x39) throw new PackError(path, `character ${i + 1} is not a digit`);
    }
    const count = input.length - 1;
    if (count > this.digitCount)
      throw new PackError(path, `the amount has ${count} digits, the field takes ${this.digitCount}`);
    return input.slice(1).padStart(this.digitCount, '0');
  }
}
