import { UnpackError, type FieldPath } from '../errors';
import { prefixCapacity } from '../spec/validate-field';
import type { Encoding, PrefixSpec } from '../spec/types';
import { EBCDIC_ZERO } from './ebcdic';
import { HEX_CHAR, HEX_VALUE } from './hex';

/**
 * A length prefix (LL, LLL...) of a fixed byte size. The value it carries counts the field's
 * characters, digits or bytes.
 */
export class LengthPrefix {
  /** Bytes the prefix takes on the wire. */
  readonly size: number;
  /** The largest length it can write. */
  readonly capacity: number;
  /** The L count (digits for ascii, ebcdic, bcd and hex; bytes for binary). */
  readonly digits: number;
  /** How the length is written. */
  readonly encoding: Encoding;

  constructor(spec: PrefixSpec) {
    this.digits = spec.digits;
    this.encoding = spec.encoding;
    this.capacity = prefixCapacity(spec.digits, spec.encoding);
    this.size = spec.encoding === 'bcd' ? (spec.digits + 1) >> 1 : spec.digits;
  }

  /** Writes `length` at `pos` (the caller has reserved `size` bytes and checked the capacity). */
  write(buf: Buffer, pos: number, length: number): void {
    switch (this.encoding) {
      case 'ascii':
      case 'ebcdic': {
        const zero = this.encoding === 'ascii' ? 0x30 : EBCDIC_ZERO;
        for (let i = this.size - 1; i >= 0; i--, length = Math.floor(length / 10)) buf[pos + i] = zero + (length % 10);
        return;
      }
      case 'bcd':
        for (let i = this.size - 1; i >= 0; i--, length = Math.floor(length / 100)) {
          const pair = length % 100;
          buf[pos + i] = (Math.floor(pair / 10) << 4) | (pair % 10);
        }
        return;
      case 'binary':
        for (let i = this.size - 1; i >= 0; i--, length = Math.floor(length / 256)) buf[pos + i] = length % 256;
        return;
      case 'hex':
        for (let i = this.size - 1; i >= 0; i--, length = Math.floor(length / 16))
          buf[pos + i] = HEX_CHAR[length % 16]!;
        return;
    }
  }

  /**
   * Reads the length at `pos`; the caller has checked that `size` bytes are there. `field` and
   * `offset` identify the field in errors.
   */
  read(buf: Uint8Array, pos: number, field: FieldPath, offset: number): number {
    let length = 0;
    switch (this.encoding) {
      case 'ascii':
      case 'ebcdic': {
        const zero = this.encoding === 'ascii' ? 0x30 : EBCDIC_ZERO;
        for (let i = 0; i < this.size; i++) {
          const digit = buf[pos + i]! - zero;
          if (digit < 0 || digit > 9) throw new UnpackError(field, offset, 'length prefix is not numeric');
          length = length * 10 + digit;
        }
        return length;
      }
      case 'bcd':
        for (let i = 0; i < this.size; i++) {
          const byte = buf[pos + i]!;
          if (byte >> 4 > 9 || (byte & 0x0f) > 9)
            throw new UnpackError(field, offset, 'length prefix is not valid BCD');
          length = length * 100 + (byte >> 4) * 10 + (byte & 0x0f);
        }
        return length;
      case 'binary':
        for (let i = 0; i < this.size; i++) length = length * 256 + buf[pos + i]!;
        return length;
      case 'hex':
        for (let i = 0; i < this.size; i++) {
          const nibble = HEX_VALUE[buf[pos + i]!]!;
          if (nibble < 0) throw new UnpackError(field, offset, 'length prefix is not hex');
          length = length * 16 + nibble;
        }
        return length;
    }
    return length;
  }

  /** Describes the prefix for messages, e.g. `a 2-digit ascii`. */
  toString(): string {
    return `${this.digits}-digit ${this.encoding} length prefix`;
  }
}
