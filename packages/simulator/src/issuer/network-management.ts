import type { Message } from '@rx8583/iso8583';
import { textOf } from './match-rule';
import type { NetworkManagementConfig } from './rules';

/** What a network management request asks for. */
export type NetworkRequest = 'signOn' | 'signOff' | 'echo' | 'unknown';

const SIGN_ON = ['001'];
const SIGN_OFF = ['002'];
const ECHO = ['301'];

/** ISO 8583:1993 function codes (24) of 1804 requests. */
const FUNCTION_CODES: Record<string, NetworkRequest> = { '801': 'signOn', '802': 'signOff', '831': 'echo' };

/**
 * Classifies an 0800 (by field 70, with the configured codes) or a 1804 (by field 24);
 * undefined for messages that are not network management requests.
 *
 * @example
 * ```ts
 * networkRequest(echo0800, {}); // 'echo' when field 70 is '301'
 * ```
 */
export function networkRequest(message: Message, config: NetworkManagementConfig): NetworkRequest | undefined {
  const mti = message.mti;
  if (mti[1] !== '8' || mti[2] !== '0') return undefined;
  if (mti[0] === '1') return FUNCTION_CODES[textOf(message, 24) ?? ''] ?? 'unknown';
  const code = textOf(message, 70) ?? '';
  if ((config.signOn ?? SIGN_ON).includes(code)) return 'signOn';
  if ((config.signOff ?? SIGN_OFF).includes(code)) return 'signOff';
  if ((config.echo ?? ECHO).includes(code)) return 'echo';
  return 'unknown';
}

/**
 * The response code of a network management answer: ISO 8583:1987 uses 2 characters
 * (00 accepted, 12 invalid transaction), ISO 8583:1993 3 digits in 39 (800 accepted, 904 format error).
 */
export function networkResponseCode(message: Message, request: NetworkRequest): string {
  const ok = request !== 'unknown';
  if (message.mti[0] === '1') return ok ? '800' : '904';
  return ok ? '00' : '12';
}
