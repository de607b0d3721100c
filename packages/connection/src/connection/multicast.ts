import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';

const NONE: readonly never[] = [];

/**
 * A hot stream to whoever is subscribed: what a `Subject` does, for the streams every link has
 * (`inbound$`, `traffic$`). The subscriber list is replaced, never changed in place, on subscribe
 * and unsubscribe, so a value goes to those subscribed when it was emitted.
 *
 * Why not a `Subject`: one that a link's host subscribes to costs the link ~300 bytes more (its
 * 152-byte observers array, a subscription and its closure; heap snapshots of 1 000 accepted
 * links), and RxJS's CommonJS build runs its `next` through a closure and a down-levelled iterator
 * — a round trip's two traffic records to a no-op subscriber cost 66 ns through a Subject and
 * 15 ns through this loop.
 */
export class Multicast<T> {
  private subscribers: readonly Subscriber<T>[] = NONE;
  private completed = false;
  private stream: Observable<T> | undefined = undefined;

  /** The stream (made by the first ask). */
  get observable(): Observable<T> {
    return (this.stream ??= new Observable<T>((subscriber) => this.add(subscriber)));
  }

  /** Someone is subscribed. */
  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  /** Subscribes `subscriber` (completing it at once when the stream has ended); returns its teardown. */
  add(subscriber: Subscriber<T>): TeardownLogic {
    if (this.completed) {
      subscriber.complete();
      return undefined;
    }
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((other) => other !== subscriber);
    };
  }

  next(value: T): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value);
  }

  complete(): void {
    this.completed = true;
    const subscribers = this.subscribers;
    this.subscribers = NONE;
    for (const subscriber of subscribers) subscriber.complete();
  }
}
