import { Observable } from 'rxjs';
import { Multicast } from './multicast';

/** Told of the oldest held item when a new one pushes it out. */
export interface OverflowHandler<T> {
  overflowed(dropped: T): void;
}

/**
 * A multicast stream that holds what is pushed before anyone subscribes, up to `limit` items, and
 * hands it to the first subscriber. A host often sends its first message (an 0800 sign-on) right
 * after accepting, before the application had a chance to subscribe; this keeps it.
 * After the first subscription it is a plain hot stream.
 */
export class HeldUntilSubscribed<T> {
  /** Items for the first subscriber; undefined once someone subscribed. */
  private held: T[] | undefined = [];
  /** The hot stream after the first subscription. */
  private readonly live = new Multicast<T>();
  private stream: Observable<T> | undefined = undefined;

  constructor(
    /** Most items held before the first subscription. */
    private readonly limit: number,
    /**
     * Told of the oldest held item when a new one pushes it out: an object, not a callback, so
     * that an owner made per link can be it without a closure (and its context) per link.
     */
    private readonly overflow: OverflowHandler<T>,
  ) {}

  /** The stream: the first subscriber gets the held items first. */
  get observable(): Observable<T> {
    return (this.stream ??= new Observable<T>((subscriber) => {
      const held = this.held;
      this.held = undefined;
      if (held !== undefined) for (const item of held) subscriber.next(item);
      return this.live.listen(subscriber);
    }));
  }

  /** Takes the held items that pass `predicate` out, in order (they will not go to the first subscriber). */
  takeHeld(predicate: (item: T) => boolean): T[] {
    const held = this.held;
    if (held === undefined) return [];
    const taken = held.filter(predicate);
    this.held = held.filter((item) => !predicate(item));
    return taken;
  }

  push(item: T): void {
    const held = this.held;
    if (held === undefined) {
      this.live.next(item);
      return;
    }
    held.push(item);
    if (held.length > this.limit) this.overflow.overflowed(held.shift() as T);
  }

  /** Ends the stream; held items still go to a first subscriber that comes later. */
  complete(): void {
    this.live.complete();
  }
}
