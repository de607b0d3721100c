import type { Message } from '@rx8583/iso8583';
import type { RejectedRequestFn } from './options';

/**
 * A `rejectedRequest` for networks that reject with an administrative advice (06xx, e.g. 0620)
 * carrying the original's data elements: field `field` (default 90) starts with the original MTI
 * (4 digits) and STAN (6 digits). Returns the reject message with that MTI and STAN, so the link's
 * `requestKey` finds the original (field 41 and the rest as the reject carries them).
 *
 * @example
 * ```ts
 * connect({ host, port, spec, rejectedRequest: rejectedByOriginalData() });
 * ```
 */
export function rejectedByOriginalData(field = 90): RejectedRequestFn {
  if (!Number.isInteger(field) || field < 2 || field > 128) {
    throw new RangeError(`rejectedByOriginalData: field must be a data field number 2..128, got ${String(field)}`);
  }
  return (message: Message) => {
    if (message.mti.charAt(1) !== '6' || !message.has(field)) return undefined;
    const data = message.get(field);
    if (typeof data !== 'string' || !/^[0-9]{10}/.test(data)) return undefined;
    const original = message.clone();
    original.mti = data.slice(0, 4);
    original.set(11, data.slice(4, 10));
    return original;
  };
}
