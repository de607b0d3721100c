import { Observable, type MonoTypeOperatorFunction } from 'rxjs';

/** Configuration of {@link turnBudget}. */
export interface TurnBudgetConfig {
  /** Most items passed on in one turn of the event loop; the rest wait for the next turns. */
  perTurn: number;
  /** Items are waiting: stop the source (pause the socket) so nothing more piles up behind them. */
  pause(): void;
  /** Everything waiting has been passed on: the source may go on. */
  resume(): void;
  /**
   * Runs `work` in a later turn, after the I/O of this one, and returns a function that cancels
   * it. Default: `setImmediate` (other sockets' reads come first).
   */
  nextTurn?: (work: () => void) => () => void;
}

const immediately = (work: () => void): (() => void) => {
  const handle = setImmediate(work);
  return () => clearImmediate(handle);
};

/**
 * Passes at most `perTurn` items on between two yields to the event loop: the item after them
 * waits, with all that come behind it, for a later turn (`nextTurn`), the source paused meanwhile,
 * and each later turn passes `perTurn` more. One link's big read thus cannot hold the event loop:
 * other links' reads and timers get their turn between slices.
 *
 * The count is not reset at every turn — that would cost a `setImmediate` per turn on every busy
 * link — so a link that receives `perTurn` items over several turns yields once for nothing: a
 * pause of one turn per `perTurn` items. Errors pass at once; completion waits for the items ahead
 * of it.
 */
export function turnBudget<T>(config: TurnBudgetConfig): MonoTypeOperatorFunction<T> {
  const { perTurn, pause, resume, nextTurn = immediately } = config;
  return (source) =>
    new Observable<T>((subscriber) => {
      /** Items passed on since the last yield. */
      let passed = 0;
      let cancelTurn: (() => void) | undefined;
      const waiting: T[] = [];
      let head = 0;
      let completed = false;

      const nextSlice = (): void => {
        cancelTurn = undefined;
        passed = 0;
        while (head < waiting.length && passed < perTurn && !subscriber.closed) {
          const item = waiting[head]!;
          waiting[head++] = undefined as T;
          passed++;
          subscriber.next(item);
        }
        if (subscriber.closed) return;
        if (head < waiting.length) {
          cancelTurn = nextTurn(nextSlice);
          return;
        }
        waiting.length = 0;
        head = 0;
        if (completed) subscriber.complete();
        else resume();
      };

      const sub = source.subscribe({
        next(item) {
          if (head < waiting.length) waiting.push(item);
          else if (passed < perTurn) {
            passed++;
            subscriber.next(item);
          } else {
            waiting.push(item);
            pause();
            cancelTurn = nextTurn(nextSlice);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          if (head < waiting.length) completed = true;
          else subscriber.complete();
        },
      });
      return () => {
        cancelTurn?.();
        sub.unsubscribe();
      };
    });
}
