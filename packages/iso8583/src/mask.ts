import { toHex } from './codec/hex';
import type { Sensitivity } from './spec/types';

/** What `describe` shows in place of a value that must not be seen. */
export const HIDDEN = '[hidden]';

/**
 * Masks a primary account number, keeping the first 6 and last 4 digits (`411111******1111`). Short
 * numbers (under 13 characters) keep only the last 4; 4 or fewer characters are hidden entirely.
 *
 * @example
 * ```ts
 * maskPan('4111111111111111'); // '411111******1111'
 * ```
 */
export function maskPan(pan: string): string {
  const n = pan.length;
  if (n <= 4) return '*'.repeat(n);
  if (n < 13) return '*'.repeat(n - 4) + pan.slice(n - 4);
  return pan.slice(0, 6) + '*'.repeat(n - 10) + pan.slice(n - 4);
}

// Start sentinel and format code (track 1 'B'), the PAN, then the field separator.
const TRACK_PAN = /^([;%]?[A-Za-z]?)([0-9]{12,19})([=^Dd])/;

/**
 * Masks track data: the PAN is masked as by {@link maskPan} and everything after the separator is
 * hidden (`411111******1111=***`). Track data without a recognisable PAN is hidden entirely.
 */
export function maskTrack(track: string): string {
  const match = TRACK_PAN.exec(track);
  if (match === null) return HIDDEN;
  return `${match[1]}${maskPan(match[2]!)}${match[3]}***`;
}

/** Renders a scalar value for humans: text as is (control characters escaped), bytes as upper-case hex. */
export function renderScalar(value: string | Uint8Array): string {
  if (typeof value !== 'string') return toHex(value);
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Renders a scalar value masked according to its sensitivity (unmarked values are shown). */
export function renderMasked(value: string | Uint8Array, sensitive: Sensitivity | undefined): string {
  if (sensitive === undefined) return renderScalar(value);
  // Binary PANs and tracks (EMV 5A, 57) are BCD: their hex is the digits, padded with F.
  const text = typeof value === 'string' ? value : toHex(value).replace(/F+$/, '');
  switch (sensitive) {
    case 'pan':
      return maskPan(text);
    case 'track':
      return maskTrack(text);
    default:
      return HIDDEN;
  }
}
