import type { Message } from '@rx8583/iso8583';
import { Observable } from 'rxjs';

/**
 * A send as a cold Observable: `start` sends on subscription (reporting the request's key through
 * its callback); unsubscribing before the response calls `abandon(key)` so the key is freed and a
 * response that still comes is treated as unmatched.
 */
export function sendObservable(
  start: (onKey: (key: string) => void) => Promise<Message>,
  abandon: (key: string) => void,
): Observable<Message> {
  return new Observable<Message>((subscriber) => {
    let key: string | undefined;
    let settled = false;
    start((k) => (key = k)).then(
      (response) => {
        settled = true;
        subscriber.next(response);
        subscriber.complete();
      },
      (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
    );
    return () => {
      if (!settled && key !== undefined) abandon(key);
    };
  });
}
