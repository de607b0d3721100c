import type { Message } from '@rx8583/iso8583';
import { RequestKeyError } from '../errors';

/**
 * Computes the correlation key that pairs a request with its response; the same function keys
 * both. Keys appear in error messages (`SendTimeoutError`, `DuplicateRequestError`, ...), so never
 * build one from card data (PAN, track): use STAN, terminal id, RRN, transmission date and time.
 *
 * @example
 * const byRrn: RequestKeyFn = (m) => `${mtiClass(m.mti ?? '')}|${m.get(37)}`;
 */
export type RequestKeyFn = (message: Message) => string;

const ZERO = 48; // char code of '0'

/**
 * True when the MTI is a response: its third digit (the message function) is odd — request
 * response (x1xx), advice response (x3xx), notification acknowledgement (x5xx), instruction
 * acknowledgement (x7xx). Anything shorter than four characters is not a response.
 *
 * @example
 * isResponseMti('0110') // true
 * isResponseMti('0400') // false
 */
export function isResponseMti(mti: string | undefined): boolean {
  if (mti === undefined || mti.length < 4) return false;
  const fn = mti.charCodeAt(2) - ZERO;
  return fn >= 0 && fn <= 9 && (fn & 1) === 1;
}

/**
 * The MTI class a request and its response share: version, class, and the function digit rounded
 * down to even, so 0100 and 0110 give `010`, 0400 and 0410 give `040`.
 *
 * @example
 * mtiClass('0110') // '010'
 * mtiClass('0430') // '042'
 */
export function mtiClass(mti: string): string {
  const fn = mti.charCodeAt(2) - ZERO;
  if (mti.length < 4 || !(fn >= 0 && fn <= 9)) return mti;
  return mti.slice(0, 2) + String.fromCharCode(ZERO + (fn & ~1));
}

/** The MTI for error messages. */
export function mtiLabel(mti: string | undefined): string {
  return mti ?? '(no MTI)';
}

function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return String(value);
}

/**
 * The default correlation key: MTI class + field 11 (STAN) + field 41 (terminal id) when present,
 * e.g. `010|000123|TERM0001`. Because the class is part of the key, a 0400 reversal reusing the
 * STAN of a pending 0100 never takes its 0110. The key never contains card data.
 *
 * @throws RequestKeyError when field 11 is absent or empty.
 * @example
 * defaultRequestKey(new Message(spec87ascii, { mti: '0110', fields: { 11: '000123' } })) // '010|000123|'
 */
export function defaultRequestKey(message: Message): string {
  const mti = message.mti;
  if (mti === undefined) throw new RequestKeyError(mtiLabel(mti), 'the MTI is missing');
  const stan = textOf(message.get(11));
  if (stan === undefined || stan === '') throw new RequestKeyError(mti, 'field 11 (STAN) is missing');
  return `${mtiClass(mti)}|${stan}|${textOf(message.get(41)) ?? ''}`;
}

/**
 * Runs a key function and turns anything it throws into a `RequestKeyError`, so a buggy custom
 * `requestKey` fails one send instead of the connection.
 */
export function keyOf(requestKey: RequestKeyFn, message: Message): string {
  let key: unknown;
  try {
    key = requestKey(message);
  } catch (error) {
    if (error instanceof RequestKeyError) throw error;
    throw new RequestKeyError(mtiLabel(message.mti), 'requestKey threw', { cause: error });
  }
  if (typeof key !== 'string' || key === '') {
    throw new RequestKeyError(mtiLabel(message.mti), 'requestKey must return a non-empty string');
  }
  return key;
}

/** `keyOf`, or undefined when the key cannot be computed (for reports and lookups, never for a send). */
export function keyOrUndefined(requestKey: RequestKeyFn, message: Message): string | undefined {
  try {
    return keyOf(requestKey, message);
  } catch {
    return undefined;
  }
}

/**
 * The key under which `message` would settle a pending request: its correlation key when it is a
 * response (odd function digit) and the key can be computed, else `undefined`. Pure: it only reads
 * the message.
 */
export function responseKey(requestKey: RequestKeyFn, message: Message): string | undefined {
  if (!isResponseMti(message.mti)) return undefined;
  try {
    return keyOf(requestKey, message);
  } catch {
    return undefined;
  }
}
