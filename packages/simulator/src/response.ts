import { Message, type FieldInput } from '@rx8583/iso8583';

// The fields a response echoes, by MTI class (the second digit): network management echoes only
// its own keys; authorization, financial, file and reversal messages their identification fields.
const ECHO_FINANCIAL = [2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49];
const ECHO_REVERSAL = [...ECHO_FINANCIAL, 90];
const ECHO_NETWORK = [7, 11, 24, 70];

/** The response MTI: function digit + 1, the repeat flag cleared (0100→0110, 0421→0430, 1804→1814). */
export function responseMti(mti: string): string {
  const origin = Number(mti[3]);
  return `${mti.slice(0, 2)}${Number(mti[2]) + 1}${origin - (origin % 2)}`;
}

/**
 * The response to `request`: its response MTI, the fields such a response echoes, then `fields`.
 * The one place the simulator builds answers, so the codec's own response builder can take over.
 *
 * @example
 * ```ts
 * const answer = responseTo(request, { 39: '00', 38: 'A1B2C3' });
 * ```
 */
export function responseTo(request: Message, fields: Record<number, FieldInput> = {}): Message {
  const response = new Message(request.spec, { mti: responseMti(request.mti) });
  const cls = request.mti[1];
  const echo = cls === '8' ? ECHO_NETWORK : cls === '4' ? ECHO_REVERSAL : ECHO_FINANCIAL;
  for (const n of echo) if (request.has(n)) response.set(n, request.get(n)!);
  for (const [n, value] of Object.entries(fields)) response.set(Number(n), value);
  return response;
}
