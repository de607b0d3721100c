import type { Message } from '@rx8583/iso8583';
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { defaultRequestKey, responseKey, type RequestKeyFn } from './request-key';

/**
 * Where responses are delivered: the requests of a connection awaiting an answer. `T` is what the
 * stream carries: messages, or items holding one (see `matchResponse`'s `messageOf`).
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
 * A stream of items that carry a message (frames with their bytes, say) is matched the same way
 * with `messageOf`, which picks the message out of an item; `pending.resolve` then gets the item.
 *
 * @param pending the requests awaiting a response (a connection's own).
 * @param requestKey the correlation key; the same function must key the requests.
 * @param messageOf for a stream of items: the message of an item.
 * @example
 * ```ts
 * messages$.pipe(matchResponse(pending)).subscribe((unmatched) => inbox.next(unmatched));
 * frames$.pipe(matchResponse(pendingFrames, defaultRequestKey, (frame) => frame.message));
 * ```
 */
export function matchResponse(pending: ResponseTarget, requestKey?: RequestKeyFn): MonoTypeOperatorFunction<Message>;
export function matchResponse<T>(
  pending: ResponseTarget<T>,
  requestKey: RequestKeyFn,
  messageOf: (item: T) => Message,
): MonoTypeOperatorFunction<T>;
export function matchResponse<T>(
  pending: ResponseTarget<T>,
  requestKey: RequestKeyFn = defaultRequestKey,
  messageOf: (item: T) => Message = (item) => item as unknown as Message,
): MonoTypeOperatorFunction<T> {
  if (typeof pending?.resolve !== 'function') {
    throw new TypeError('matchResponse: pending must have a resolve(key, response) method');
  }
  if (typeof requestKey !== 'function') throw new TypeError('matchResponse: requestKey must be a function');
  if (typeof messageOf !== 'function') throw new TypeError('matchResponse: messageOf must be a function');
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
