import { ascii4, bcd2, binary2, binary4, lengthPrefixed, vmlh } from './presets';
import { withHeader } from './with-header';
import { base1 } from './base1';

/**
 * The framings: how messages are delimited on the stream. Each preset takes
 * `{ includesHeader?, maxFrameLength? }`; `lengthPrefixed(encoding, size)` makes any other length
 * prefix (3-byte binary, 4 hex digits, ...); `withHeader` adds a fixed network header; `base1` is Visa's VML length + BASE I header.
 *
 * @example
 * ```ts
 * const f = framing.binary2();
 * const decoder = f.decoder();
 * const frames = decoder.push(chunk); // zero or more complete frames
 * ```
 */
export const framing = { binary2, ascii4, bcd2, binary4, vmlh, lengthPrefixed, withHeader, base1 } as const;
