import type { Message } from '@rx8583/iso8583';
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { defaultRequestKey, responseKey, type RequestKeyFn } from './request-key';

/** Where responses are delivered: the requests of a connection awaiting an answer. */
export interface ResponseTarget {
  /** Settles the request pending under `key` with `response`; false when none is pending. */
  resolve(key: string, response: Message): boolean;
}

/**
 * Hands the responses to pending requests to their requests and lets everything else through:
 * requests from the peer (any MTI whose third digit is even — even when their STAN equals a pending
 * request's), and responses that match nothing (late, after their request timed out, or unknown).
 * A response whose key cannot be computed is let through too.
 *
 * Which messages are candidates is decided by a pure function of the message (`responseKey`);
 * delivering one is this operator's one effect, done as the message passes, never inside a
 * predicate.
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
  return (source) =>
    new Observable<Message>((subscriber) =>
      source.subscribe({
        next(message) {
          const key = responseKey(requestKey, message);
          if (key === undefined || !pending.resolve(key, message)) subscriber.next(message);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
