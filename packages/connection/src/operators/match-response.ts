import type { Message } from '@rx8583/iso8583';
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { defaultRequestKey, responseKey, type RequestKeyFn } from './request-key';

/**
 * Where responses are delivered: the requests of a connection awaiting an answer. `T` is what
 * `resolve` is handed: the response itself, for `matchResponse`.
 */
export interface ResponseTarget<T = Message> {
  /** Settles the request pending under `key` with `response`; false when none is pending. */
  resolve(key: string, response: T): boolean;
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
  return matchResponseItems(pending, requestKey, itself);
}

/**
 * `matchResponse` over a stream of items that each carry a message — the connection matches its
 * decoded frames so, to report each response with its bytes; `pending.resolve` gets the item.
 * Internal (not in the package's entry): its callers are typed, so it checks no arguments.
 */
export function matchResponseItems<T>(
  pending: ResponseTarget<T>,
  requestKey: RequestKeyFn,
  messageOf: (item: T) => Message,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next(item) {
          const key = responseKey(requestKey, messageOf(item));
          if (key === undefined || !pending.resolve(key, item)) subscriber.next(item);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

const itself = (message: Message): Message => message;
