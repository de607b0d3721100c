import type { Message } from '@rx8583/iso8583';
import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import { defaultRequestKey, isResponseMti, keyOf, type RequestKeyFn } from '../connection/request-key';

/** Where responses are delivered: the requests of a connection awaiting an answer. */
export interface ResponseTarget {
  /** Settles the request pending under `key` with `response`; false when none is pending. */
  resolve(key: string, response: Message): boolean;
}

/**
 * Takes the responses to pending requests out of a stream of inbound messages and hands each to
 * its request; lets everything else through: requests from the peer (any MTI whose third digit is
 * even — even when their STAN equals a pending request's), and responses that match nothing
 * (late, after their request timed out, or unknown). A response whose key cannot be computed is
 * let through too.
 *
 * @param pending the requests awaiting a response (a connection's own).
 * @param requestKey the correlation key; the same function must key the requests.
 * @example
 * ```ts
 * messages$.pipe(matchResponse(pending)).subscribe((unmatched) => inbox.next(unmatched));
 * ```
 */
export function matchResponse(
  pending: ResponseTarget,
  requestKey: RequestKeyFn = defaultRequestKey,
): MonoTypeOperatorFunction<Message> {
  if (typeof pending?.resolve !== 'function') {
    throw new TypeError('matchResponse: pending must have a resolve(key, response) method');
  }
  if (typeof requestKey !== 'function') throw new TypeError('matchResponse: requestKey must be a function');
  const settles = (message: Message): boolean => {
    if (!isResponseMti(message.mti)) return false;
    let key: string;
    try {
      key = keyOf(requestKey, message);
    } catch {
      return false;
    }
    return pending.resolve(key, message);
  };
  return filter((message) => !settles(message));
}
