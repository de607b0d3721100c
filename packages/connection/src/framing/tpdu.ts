import type { HeaderLayout } from './with-header';

/**
 * The 5-byte Transport Protocol Data Unit that POS/NAC terminals put after the length:
 * an id byte (0x60), then the 2-byte destination and 2-byte source addresses (NII).
 * Written in hex as e.g. `6000010000`: id 0x60, destination 0x0001, source 0x0000.
 */
export type Tpdu = {
  /** Protocol id; 0x60 for a TPDU. */
  id: number;
  /** Destination address, 2 bytes big-endian. */
  destination: number;
  /** Source (originator) address, 2 bytes big-endian. */
  source: number;
};

/**
 * Layout of a {@link Tpdu}, for `framing.withHeader`. Written by hand rather than through a layout
 * library: it runs on every frame, and this is several times faster (see docs/framing.md).
 *
 * @example
 * ```ts
 * const nac = framing.withHeader(framing.binary2(), tpdu, { replyHeader: swapTpdu });
 * ```
 */
export const tpdu: HeaderLayout<Tpdu> = {
  span: 5,
  property: 'tpdu',
  decode(bytes, offset) {
    return {
      id: bytes[offset]!,
      destination: (bytes[offset + 1]! << 8) | bytes[offset + 2]!,
      source: (bytes[offset + 3]! << 8) | bytes[offset + 4]!,
    };
  },
  encode(header, target, offset) {
    const id = checkedUnsigned(header, 'id', 0xff);
    const destination = checkedUnsigned(header, 'destination', 0xffff);
    const source = checkedUnsigned(header, 'source', 0xffff);
    target[offset] = id;
    target[offset + 1] = destination >>> 8;
    target[offset + 2] = destination & 0xff;
    target[offset + 3] = source >>> 8;
    target[offset + 4] = source & 0xff;
    return 5;
  },
};

function checkedUnsigned(header: Tpdu, name: keyof Tpdu, max: number): number {
  const value = header?.[name];
  if (!Number.isInteger(value) || value < 0 || value > max) {
    const shown = typeof value === 'number' ? String(value) : `a ${typeof value}`;
    throw new RangeError(`tpdu.${name} must be an integer from 0 to ${max}, got ${shown}`);
  }
  return value;
}

/**
 * The reply's TPDU: the request's with source and destination exchanged (jPOS `tpdu-swap`).
 *
 * @example
 * ```ts
 * swapTpdu({ id: 0x60, destination: 1, source: 2 }); // { id: 0x60, destination: 2, source: 1 }
 * ```
 */
export function swapTpdu(request: Tpdu): Tpdu {
  return { id: request.id, destination: request.source, source: request.destination };
}
