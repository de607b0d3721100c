import { PackError } from '../errors';
import { copyFields, type Message } from '../message';
import type { FieldInput } from '../values';
import { echoFieldsFor } from '../spec/echo-sets';

/**
 * The fields `toResponse` sets after echoing: values as `set` takes them; `undefined` removes an
 * echoed field from the response.
 */
export type ResponseFields = { [field: number]: FieldInput | undefined };

const ZERO = 0x30;

/**
 * The response MTI of a request MTI: function digit + 1, repeat flag (odd origin digit) cleared —
 * 0100 and 0101 → 0110, 0420 and 0421 → 0430, 0800 → 0810, 1804 → 1814. Throws `PackError`
 * (field 0) for an MTI that has no response: a response itself (odd function digit), function
 * 8 or 9, or an origin digit ISO reserves (6..9).
 */
export function responseMti(mti: string): string {
  if (!/^[0-9]{4}$/.test(mti)) throw new PackError(0, `'${mti}' is not a 4-digit MTI, so it has no response MTI`);
  const functionDigit = mti.charCodeAt(2) - ZERO;
  const origin = mti.charCodeAt(3) - ZERO;
  if (functionDigit % 2 === 1)
    throw new PackError(0, `${mti} is a response (function digit ${functionDigit} is odd): it has no response`);
  if (functionDigit >= 8) throw new PackError(0, `${mti} has function digit ${functionDigit}, which has no response`);
  if (origin >= 6) throw new PackError(0, `${mti} has origin digit ${origin}, which ISO 8583 reserves`);
  return `${mti.slice(0, 2)}${functionDigit + 1}${origin & ~1}`;
}

/**
 * Fills `response` (a new, empty message of the request's spec) as the response to `request`: the
 * response MTI, the spec's echo fields for the request's MTI class that the request carries, then
 * `fields`. Echoed fields keep the request's bytes exactly; the messages share no mutable value, so
 * changing one never changes the other.
 */
export function fillResponse(request: Message, response: Message, fields: ResponseFields | undefined): Message {
  if (!request.has(0)) throw new PackError(0, 'the request has no MTI, so it has no response MTI');
  const mti = request.mti;
  const answer = responseMti(mti);
  // The echoed fields are the request's bytes as they are (already checked): nothing is decoded.
  copyFields(request, response, echoFieldsFor(request.spec, mti.charCodeAt(1) - ZERO));
  response.set(0, answer);
  if (fields !== undefined) {
    for (const key of Object.keys(fields)) {
      const n = Number(key);
      const value = fields[n];
      if (value !== undefined) response.set(n, value);
      else if (Number.isInteger(n) && n >= 2 && n <= 128) response.delete(n);
      else throw new PackError(key, 'only data fields 2..128 can be removed from a response');
    }
  }
  return response;
}
