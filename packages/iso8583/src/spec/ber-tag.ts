/**
 * BER-TLV tags (ISO/IEC 8825-1 as used by EMV): the first byte's low five bits all set mean more tag
 * bytes follow; each following byte has bit 8 set except the last. Tags are handled as upper-case
 * hex strings such as `'9F02'`.
 */

/** The longest tag we accept, in bytes; EMV uses at most 3. */
export const MAX_BER_TAG_BYTES = 4;

/**
 * Returns how many bytes the tag starting at `offset` takes, or -1 when it runs past `end` or is
 * longer than {@link MAX_BER_TAG_BYTES}.
 */
export function berTagSize(bytes: Uint8Array, offset: number, end: number): number {
  if (offset >= end) return -1;
  if ((bytes[offset]! & 0x1f) !== 0x1f) return 1;
  let size = 1;
  for (;;) {
    if (offset + size >= end || size >= MAX_BER_TAG_BYTES) return -1;
    const byte = bytes[offset + size]!;
    size++;
    if ((byte & 0x80) === 0) return size;
  }
}

/** Parses an upper-case hex tag string into its bytes, or returns `undefined` when it is not a well-formed BER tag. */
export function berTagBytes(tag: string): Uint8Array | undefined {
  if (typeof tag !== 'string' || tag.length < 2 || tag.length % 2 !== 0 || !/^[0-9A-F]+$/.test(tag)) return undefined;
  const bytes = Uint8Array.from(Buffer.from(tag, 'hex'));
  return berTagSize(bytes, 0, bytes.length) === bytes.length ? bytes : undefined;
}
