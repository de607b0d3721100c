import { Message, type FieldInput, type MessageSpec } from '@rx8583/iso8583';
import type { JsonReader } from './json-reader';

/**
 * The JSON form of a message, as `send` and the load mix take it: `{ "mti": "0100", "fields":
 * { "2": "4111111111111111", "4": "1000", "52": "hex:0123456789ABCDEF" } }`. Values are strings
 * (numbers are taken too); `hex:` gives the bytes of a binary field.
 */
export interface MessageJson {
  mti: string;
  fields?: Record<string, string | number>;
}

/** A field value from its JSON text: `hex:` prefixed text as bytes, anything else as given. */
export function fieldValue(value: string | number): FieldInput {
  if (typeof value === 'string' && value.startsWith('hex:')) return Uint8Array.from(Buffer.from(value.slice(4), 'hex'));
  return value;
}

/**
 * Reads a message in {@link MessageJson} form, failing at the path of what is wrong (an MTI that
 * is not 4 digits, a field number outside 2–128, a value the spec refuses).
 */
export function readMessage(r: JsonReader, spec: MessageSpec, extraKeys: readonly string[] = []): Message {
  r.object(['mti', 'fields', ...extraKeys]);
  const mti = r.child('mti').string(/^\d{4}$/, 'an MTI of 4 digits');
  const message = new Message(spec, { mti });
  if (!r.has('fields')) return message;
  const fields = r.child('fields');
  for (const key of fields.keys()) {
    const n = Number(key);
    const f = fields.child(key);
    if (!Number.isInteger(n) || n < 2 || n > 128) f.fail('is not a field number (2–128)');
    if (typeof f.value !== 'string' && typeof f.value !== 'number') f.fail('must be a string or a number');
    try {
      message.set(n, fieldValue(f.value as string | number));
    } catch (error) {
      f.fail(`is refused by the spec: ${(error as Error).message}`);
    }
  }
  return message;
}
