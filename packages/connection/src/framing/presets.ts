import type { FramingOptions } from './types';
import { LengthPrefixedFraming } from './length-prefixed-framing';
import {
  ascii4Prefix,
  bcd2Prefix,
  binary2Prefix,
  binary4Prefix,
  checkLengthPrefix,
  lengthPrefixOf,
  vmlhPrefix,
  type LengthEncoding,
  type LengthPrefix,
} from './length-prefix';

/** Default largest body: 64 KiB, above any ISO 8583 message a network sends in one frame. */
export const DEFAULT_MAX_FRAME_LENGTH = 65_536;

function preset(
  prefix: LengthPrefix,
  options: FramingOptions = {},
  where = `framing.${prefix.name}`,
): LengthPrefixedFraming {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object`);
  }
  const { includesHeader = false, maxFrameLength = DEFAULT_MAX_FRAME_LENGTH } = options;
  if (typeof includesHeader !== 'boolean') {
    throw new TypeError(`${where}: includesHeader must be a boolean`);
  }
  if (!Number.isSafeInteger(maxFrameLength) || maxFrameLength < 1) {
    throw new RangeError(`${where}: maxFrameLength must be a positive integer, got ${maxFrameLength}`);
  }
  return new LengthPrefixedFraming(prefix, includesHeader, maxFrameLength);
}

/**
 * 2-byte big-endian binary length: the most common framing, and the default.
 *
 * @example
 * ```ts
 * const f = framing.binary2();
 * f.encode(body);                                  // [len >> 8, len & 0xff, ...body]
 * framing.binary2({ includesHeader: true });      // the length counts its own 2 bytes (Amex)
 * ```
 */
export function binary2(options?: FramingOptions): LengthPrefixedFraming {
  return preset(binary2Prefix, options);
}

/**
 * 4 ASCII decimal digits, `'0123'` (jPOS ASCIIChannel). Bodies up to 9999 bytes.
 *
 * @example
 * ```ts
 * const f = framing.ascii4({ maxFrameLength: 8192 });
 * ```
 */
export function ascii4(options?: FramingOptions): LengthPrefixedFraming {
  return preset(ascii4Prefix, options);
}

/**
 * 2 bytes of packed BCD, four digits, `0x01 0x23` for 123 (jPOS NCCChannel, BCDChannel).
 *
 * @example
 * ```ts
 * const f = framing.bcd2();
 * ```
 */
export function bcd2(options?: FramingOptions): LengthPrefixedFraming {
  return preset(bcd2Prefix, options);
}

/**
 * 4-byte big-endian binary length (jPOS RawChannel).
 *
 * @example
 * ```ts
 * const f = framing.binary4();
 * ```
 */
export function binary4(options?: FramingOptions): LengthPrefixedFraming {
  return preset(binary4Prefix, options);
}

/**
 * Visa's VML header: 2-byte big-endian length then 2 reserved zero bytes (jPOS VAPChannel,
 * CSChannel). Visa caps messages at 2048 bytes; pass `maxFrameLength: 2048` to enforce it.
 *
 * @example
 * ```ts
 * const visa = framing.vmlh({ maxFrameLength: 2048 });
 * visa.encode(body); // [len >> 8, len & 0xff, 0, 0, ...body]
 * ```
 */
export function vmlh(options?: FramingOptions): LengthPrefixedFraming {
  return preset(vmlhPrefix, options);
}

/**
 * A framing with any length prefix of `size` units — for the networks the presets do not cover:
 * `binary` bytes (big-endian, 1–6), `ascii` decimal digits (1–9), `hex` digits written as ASCII
 * characters (1–12) or `bcd` bytes of two digits each (1–4). Takes the presets' options.
 *
 * @example
 * ```ts
 * const cmf = framing.lengthPrefixed('binary', 3); // jPOS CMFChannel: 3-byte big-endian length
 * const hex = framing.lengthPrefixed('hex', 4);    // jPOS HEXChannel: '01A3' for 419 bytes
 * framing.lengthPrefixed('ascii', 3, { maxFrameLength: 999 });
 * ```
 */
export function lengthPrefixed(
  encoding: LengthEncoding,
  size: number,
  options?: FramingOptions,
): LengthPrefixedFraming {
  checkLengthPrefix('framing.lengthPrefixed', encoding, size);
  return preset(lengthPrefixOf(encoding, size), options, 'framing.lengthPrefixed');
}
