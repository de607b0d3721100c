/**
 * The length prefixes that delimit ISO 8583 messages on a byte stream. Written by hand rather
 * than through a layout library: the prefix is read once per frame on the hot path, and two
 * array reads and a shift cost a few nanoseconds where a generic layout costs hundreds.
 */

/** Returned by {@link LengthPrefix.read} when the prefix bytes are not a valid length. */
export const NOT_A_LENGTH = -1;

/** How one kind of length prefix is read and written. */
export interface LengthPrefix {
  /** Name used in errors and in the framing's name, e.g. `binary2`. */
  readonly name: string;
  /** Bytes the prefix occupies on the wire. */
  readonly size: number;
  /** Largest length the prefix can express. */
  readonly maxLength: number;
  /** Reads the length at `offset`; -1 ({@link NOT_A_LENGTH}) when the bytes are not one. */
  read(bytes: Uint8Array, offset: number): number;
  /** Writes `length` (already checked to be within `maxLength`) at `offset`. */
  write(length: number, target: Uint8Array, offset: number): void;
}

const ASCII_ZERO = 0x30;

/** 2-byte big-endian binary length (NACChannel, moov-io's Binary2Bytes). */
export const binary2Prefix: LengthPrefix = {
  name: 'binary2',
  size: 2,
  maxLength: 0xffff,
  read: (bytes, offset) => (bytes[offset]! << 8) | bytes[offset + 1]!,
  write(length, target, offset) {
    target[offset] = length >>> 8;
    target[offset + 1] = length & 0xff;
  },
};

/** 4-byte big-endian binary length (RawChannel). */
export const binary4Prefix: LengthPrefix = {
  name: 'binary4',
  size: 4,
  maxLength: 0xffffffff,
  // Multiplying the top byte keeps the result unsigned where `<< 24` would go negative.
  read: (bytes, offset) =>
    bytes[offset]! * 0x1000000 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!),
  write(length, target, offset) {
    target[offset] = length >>> 24;
    target[offset + 1] = (length >>> 16) & 0xff;
    target[offset + 2] = (length >>> 8) & 0xff;
    target[offset + 3] = length & 0xff;
  },
};

/** 4 ASCII decimal digits (ASCIIChannel, moov-io's ASCII4Bytes). */
export const ascii4Prefix: LengthPrefix = {
  name: 'ascii4',
  size: 4,
  maxLength: 9999,
  read(bytes, offset) {
    let length = 0;
    for (let i = offset; i < offset + 4; i++) {
      const digit = bytes[i]! - ASCII_ZERO;
      if (digit < 0 || digit > 9) return NOT_A_LENGTH;
      length = length * 10 + digit;
    }
    return length;
  },
  write(length, target, offset) {
    for (let i = offset + 3; i >= offset; i--) {
      target[i] = ASCII_ZERO + (length % 10);
      length = Math.floor(length / 10);
    }
  },
};

/** 2 bytes of packed BCD, four digits (NCCChannel, BCDChannel, moov-io's BCD2Bytes). */
export const bcd2Prefix: LengthPrefix = bcdPrefix(2);

/**
 * Visa's VML header: a 2-byte big-endian length followed by 2 reserved bytes, written as zeros.
 * The reserved bytes are not checked on read: Visa documents them as reserved, not as constant.
 */
export const vmlhPrefix: LengthPrefix = {
  name: 'vmlh',
  size: 4,
  maxLength: binary2Prefix.maxLength,
  read: binary2Prefix.read,
  write(length, target, offset) {
    binary2Prefix.write(length, target, offset);
    target[offset + 2] = 0;
    target[offset + 3] = 0;
  },
};

/** How the digits of a length prefix are written: see {@link lengthPrefixOf}. */
export type LengthEncoding = 'binary' | 'ascii' | 'hex' | 'bcd';

// The most prefix units each encoding may have: lengths stay exact integers (and far above any frame).
const MAX_UNITS: Record<LengthEncoding, number> = { binary: 6, ascii: 9, hex: 12, bcd: 4 };

/**
 * A length prefix of `size` units: `binary` bytes (big-endian), `ascii` decimal digits, `hex`
 * digits as ASCII characters (either case on read, upper case on write) or `bcd` bytes (two
 * decimal digits each). The common ones reuse the hand-written prefixes above.
 */
export function lengthPrefixOf(encoding: LengthEncoding, size: number): LengthPrefix {
  const known = KNOWN[`${encoding}${size}`];
  if (known !== undefined) return known;
  const name = `${encoding}${size}`;
  if (encoding === 'binary') {
    return {
      name,
      size,
      maxLength: 256 ** size - 1,
      read(bytes, offset) {
        let length = 0;
        for (let i = offset; i < offset + size; i++) length = length * 256 + bytes[i]!;
        return length;
      },
      write(length, target, offset) {
        for (let i = offset + size - 1; i >= offset; i--) {
          target[i] = length % 256;
          length = Math.floor(length / 256);
        }
      },
    };
  }
  if (encoding === 'bcd') return bcdPrefix(size);
  const radix = encoding === 'hex' ? 16 : 10;
  return {
    name,
    size,
    maxLength: radix ** size - 1,
    read(bytes, offset) {
      let length = 0;
      for (let i = offset; i < offset + size; i++) {
        const digit = digitValue(bytes[i]!, radix);
        if (digit < 0) return NOT_A_LENGTH;
        length = length * radix + digit;
      }
      return length;
    },
    write(length, target, offset) {
      for (let i = offset + size - 1; i >= offset; i--) {
        target[i] = DIGITS.charCodeAt(length % radix);
        length = Math.floor(length / radix);
      }
    },
  };
}

/** Checks `encoding` and `size` for {@link lengthPrefixOf}; `where` names the caller. */
export function checkLengthPrefix(where: string, encoding: unknown, size: unknown): void {
  if (typeof encoding !== 'string' || !(encoding in MAX_UNITS)) {
    throw new TypeError(`${where}: encoding must be 'binary', 'ascii', 'hex' or 'bcd', got ${String(encoding)}`);
  }
  const most = MAX_UNITS[encoding as LengthEncoding];
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > most) {
    throw new RangeError(
      `${where}: size of a ${encoding} length prefix must be an integer from 1 to ${most}, got ${String(size)}`,
    );
  }
}

const DIGITS = '0123456789ABCDEF';

function bcdPrefix(size: number): LengthPrefix {
  return {
    name: `bcd${size}`,
    size,
    maxLength: 10 ** (2 * size) - 1,
    read(bytes, offset) {
      let length = 0;
      for (let i = offset; i < offset + size; i++) {
        const high = bytes[i]! >>> 4;
        const low = bytes[i]! & 0x0f;
        if (high > 9 || low > 9) return NOT_A_LENGTH;
        length = length * 100 + high * 10 + low;
      }
      return length;
    },
    write(length, target, offset) {
      for (let i = offset + size - 1; i >= offset; i--) {
        const pair = length % 100;
        target[i] = (Math.floor(pair / 10) << 4) | (pair % 10);
        length = Math.floor(length / 100);
      }
    },
  };
}

function digitValue(byte: number, radix: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (radix === 16) {
    const upper = byte & ~0x20;
    if (upper >= 0x41 && upper <= 0x46) return upper - 0x41 + 10;
  }
  return NOT_A_LENGTH;
}

const KNOWN: Record<string, LengthPrefix | undefined> = {
  binary2: binary2Prefix,
  binary4: binary4Prefix,
  ascii4: ascii4Prefix,
  bcd2: bcd2Prefix,
};
