import { defineSpec, Message } from '@rx8583/iso8583';

/**
 * The test spec: moov-io's test layout (ASCII MTI, binary bitmap, fixed ASCII fields) plus the
 * fields an authorization needs. Field 2 is a PAN so tests can check card data never leaks.
 */
export const linkSpec = defineSpec({
  name: 'rx8583 connection tests',
  fields: {
    0: { type: 'numeric', length: 4, encoding: 'ascii', description: 'MTI' },
    1: { type: 'bitmap', length: 8, encoding: 'binary', description: 'Bitmap' },
    2: { type: 'numeric', length: 19, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' }, sensitive: 'pan' },
    3: { type: 'numeric', length: 6, encoding: 'ascii' },
    4: { type: 'numeric', length: 12, encoding: 'ascii' },
    11: { type: 'numeric', length: 6, encoding: 'ascii', description: 'STAN' },
    39: { type: 'string', length: 2, encoding: 'ascii' },
    41: { type: 'string', length: 8, encoding: 'ascii', padding: { side: 'right', char: ' ' } },
    63: { type: 'string', length: 99, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' } },
  },
});

/** A message of the test spec. */
export function msg(mti: string, fields: Record<number, string> = {}): Message {
  return new Message(linkSpec, { mti, fields });
}

/** The response to `request`: same fields, MTI function digit + 1, plus `extra`. */
export function responseTo(request: Message, extra: Record<number, string> = {}): Message {
  const response = request.clone();
  const mti = request.mti as string;
  response.mti = mti.slice(0, 2) + String(Number(mti[2]) + 1) + mti[3];
  for (const [field, value] of Object.entries(extra)) response.set(Number(field), value);
  return response;
}

let stanCounter = 0;
/** A fresh STAN, 6 digits. */
export function nextStan(): string {
  stanCounter = (stanCounter % 999_999) + 1;
  return String(stanCounter).padStart(6, '0');
}
