import type { Message } from '@rx8583/iso8583';
import { transmissionDateTime } from '../trace/dates';

/** Why a reversal is sent: the original timed out, its link died after it was written, or a code of yours. */
export type ReversalReason = 'timeout' | 'linkDown' | (string & {});

/** What a reversal builder is given besides the original. */
export interface ReversalContext {
  /** The reversal's MTI: 0400, 0420, or 1420 (ISO 8583:1993). */
  mti: string;
  /** The reason code to carry (already mapped from `timeout` / `linkDown`). */
  reasonCode: string;
  /** The field that carries `reasonCode` (39 for 1987 layouts, 25 for 1993). */
  reasonField: number;
  /** The reversal's STAN: the original's, or a new one, as configured. */
  stan: string;
  /** When it is built: field 7 is this instant. */
  at: Date;
  /** Fields copied from the original. */
  copyFields: readonly number[];
  /** A partial reversal: the replacement amounts of field 95 (42 characters). */
  replacementAmounts?: string;
}

/**
 * Fields a reversal takes from its original by default: PAN, processing code, amounts, dates,
 * merchant type, POS entry, institution ids, RRN, approval code, terminal and merchant ids,
 * currencies. Never tracks, PIN or ICC data.
 */
export const DEFAULT_REVERSAL_FIELDS: readonly number[] = [
  2, 3, 4, 5, 6, 12, 13, 14, 15, 18, 19, 22, 23, 32, 33, 37, 38, 41, 42, 43, 49, 50, 51,
];

/**
 * Field 90, original data elements (n42): original MTI (4) + STAN (6) + field 7 (10) + acquiring
 * institution (field 32, 11, zero-filled on the left) + forwarding institution (field 33, 11).
 *
 * @example
 * ```ts
 * originalDataElements(authorization); // '0100' '000123' '0309070501' '00000123456' '00000000000'
 * ```
 */
export function originalDataElements(original: Message): string {
  return (
    original.mti +
    digits(original, 11, 6) +
    digits(original, 7, 10) +
    digits(original, 32, 11) +
    digits(original, 33, 11)
  );
}

/**
 * ISO 8583:1993 field 56, original data elements: original MTI (4) + STAN (6) + local date and
 * time (field 12, 12 digits) + the acquiring institution (field 32) with its 2-digit length.
 */
export function originalDataElements93(original: Message): string {
  const acquirer = text(original, 32);
  return (
    original.mti +
    digits(original, 11, 6) +
    digits(original, 12, 12) +
    String(acquirer.length).padStart(2, '0') +
    acquirer
  );
}

/**
 * The default reversal of `original`: the configured MTI, the `copyFields` of the original, the
 * STAN of the context, field 7 = now, the reason code, and the original data elements — field 90
 * (1987) or field 56 (1993, with function code 400 or 401 in field 24); field 95 for a partial one.
 */
export function buildReversal(original: Message, context: ReversalContext): Message {
  const reversal = original.clone();
  const keep = new Set([...context.copyFields]);
  for (const n of reversal.fieldNumbers()) if (!keep.has(n)) reversal.delete(n);
  reversal.mti = context.mti;
  reversal.set(11, context.stan);
  reversal.set(7, transmissionDateTime(context.at));
  reversal.set(context.reasonField, context.reasonCode);
  if (context.mti.startsWith('1')) {
    reversal.set(56, originalDataElements93(original));
    reversal.set(24, context.replacementAmounts === undefined ? '400' : '401');
  } else {
    reversal.set(90, originalDataElements(original));
  }
  if (context.replacementAmounts !== undefined) reversal.set(95, context.replacementAmounts);
  return reversal;
}

function text(message: Message, n: number): string {
  const value = message.has(n) ? message.get(n) : '';
  return typeof value === 'string' ? value : '';
}

function digits(message: Message, n: number, width: number): string {
  return text(message, n).trim().padStart(width, '0').slice(-width);
}
