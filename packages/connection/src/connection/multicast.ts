import { Observable, config } from 'rxjs';

/** What a `Multicast` hands its values to: an RxJS subscriber, or a plain listener (`listen`). */
export interface MulticastListener<T> {
  next(value: T): void;
  complete?(): void;
}

const NONE: readonly never[] = [];

/**
 * A hot stream to whoever is subscribed: what a `Subject` does, for the streams every link has
 * (`inbound$`, `traffic$`), and to plain listeners beside the subscribers (`listen`, for
 * `conn.listenTraffic`). The list is replaced, never changed in place, on every change, so a value
 * goes to those listening when it was emitted.
 *
 * Why not a `Subject`: one that a link's host subscribes to costs the link ~300 bytes more (its
 * 152-byte observers array, a subscription and its closure; heap snapshots of 1 000 accepted
 * links), and RxJS's CommonJS build runs its `next` through a closure and a down-levelled iterator
 * — a round trip's two traffic records to a no-op subscriber cost 66 ns through a Subject and
 * 15 ns through this loop.
 */
export class Multicast<T> {
  private listeners: readonly MulticastListener<T>[] = NONE;
  private completed = false;
  private stream: Observable<T> | undefined = undefined;

  /** The stream (made by the first ask). */
  get observable(): Observable<T> {
    return (this.stream ??= new Observable<T>((subscriber) => this.listen(subscriber)));
  }

  /** Someone is subscribed or listening. */
  get observed(): boolean {
    return this.listeners.length > 0;
  }

  /**
   * Adds a subscriber of `observable` or a plain listener (completed at once when the stream has
   * ended); the returned function removes it. A listener that throws is reported as RxJS reports
   * a subscriber's error, and the others still get the value.
   */
  listen(listener: MulticastListener<T>): () => void {
    if (this.completed) {
      listener.complete?.();
      return () => undefined;
    }
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  next(value: T): void {
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i]!.next(value);
      } catch (error) {
        reportLater(error);
      }
    }
  }

  complete(): void {
    this.completed = true;
    const listeners = this.listeners;
    this.listeners = NONE;
    for (const listener of listeners) {
      try {
        listener.complete?.();
      } catch (error) {
        reportLater(error);
      }
    }
  }
}

/**
 * A listener's error, away from the link's read and write paths, the way RxJS reports a
 * subscriber's (whose own `next` never throws): to `config.onUnhandledError` when set, else thrown
 * from a timer.
 */
function reportLater(error: unknown): void {
  setTimeout(() => {
    const { onUnhandledError } = config;
    if (onUnhandledError === null) throw error;
    onUnhandledError(error);
  });
}
