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
  /** Reads the length at `offset`; {@link NOT_A_LENGTH} when the bytes are not one. */
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
export const bcd2Prefix: LengthPrefix = {
  name: 'bcd2',
  size: 2,
  maxLength: 9999,
  read(bytes, offset) {
    let length = 0;
    for (let i = offset; i < offset + 2; i++) {
      const high = bytes[i]! >>> 4;
      const low = bytes[i]! & 0x0f;
      if (high > 9 || low > 9) return NOT_A_LENGTH;
      length = length * 100 + high * 10 + low;
    }
    return length;
  },
  write(length, target, offset) {
    const high = Math.floor(length / 100);
    const low = length % 100;
    target[offset] = (Math.floor(high / 10) << 4) | (high % 10);
    target[offset + 1] = (Math.floor(low / 10) << 4) | (low % 10);
  },
};

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
