import { ascii4, bcd2, binary2, binary4, vmlh } from './presets';
import { withHeader } from './with-header';

/**
 * The framings: how messages are delimited on the stream. Each preset takes
 * `{ includesHeader?, maxFrameLength? }`; `withHeader` adds a fixed network header.
 *
 * @example
 * ```ts
 * const f = framing.binary2();
 * const decoder = f.decoder();
 * const frames = decoder.push(chunk); // zero or more complete frames
 * ```
 */
export const framing = { binary2, ascii4, bcd2, binary4, vmlh, withHeader } as const;

export type { Frame, FrameDecoder, Framing, FramingOptions } from './types';
export type { HeaderLayout, WithHeaderOptions } from './with-header';
export { NOT_A_LENGTH, type LengthPrefix } from './length-prefix';
export { LengthPrefixedFraming, type FixedHeaderCodec } from './length-prefixed-framing';
export { DEFAULT_MAX_FRAME_LENGTH } from './presets';
export { tpdu, swapTpdu, type Tpdu } from './tpdu';
