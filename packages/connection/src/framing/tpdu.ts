import { struct, u8, u16be, type Structure } from '@solana/buffer-layout';

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
 * Layout of a {@link Tpdu}, for `framing.withHeader`.
 *
 * @example
 * ```ts
 * const nac = framing.withHeader(framing.binary2(), tpdu, { replyHeader: swapTpdu });
 * ```
 */
export const tpdu: Structure<Tpdu> = struct<Tpdu>([u8('id'), u16be('destination'), u16be('source')], 'tpdu');

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
