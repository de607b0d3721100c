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
  /** The number of the current turn (tests). Default: the event loop's turns, counted. */
  turn?: () => number;
}

const immediately = (work: () => void): (() => void) => {
  const handle = setImmediate(work);
  return () => clearImmediate(handle);
};

// The event loop's turns, counted for every link at once: one setImmediate a turn, and only in
// turns where something asked — not one per busy link and turn.
let turnCount = 0;
let counting = false;
const countTurn = (): void => {
  counting = false;
  turnCount++;
};
function eventLoopTurn(): number {
  if (!counting) {
    counting = true;
    setImmediate(countTurn);
  }
  return turnCount;
}

/**
 * Passes at most `perTurn` items on per turn of the event loop; what comes beyond waits, in order,
 * for the next turns (`nextTurn`, `perTurn` more in each), and the source is paused meanwhile. One
 * link's big read thus cannot hold the event loop: other links' reads and timers get their turn
 * between slices. A source within budget passes untouched (a counter and a turn number per item).
 * An error or completion waits for the items ahead of it: the frames a peer sent before its
 * framing broke are still handled (their responses settle), as they were before the budget.
 */
export function turnBudget<T>(config: TurnBudgetConfig): MonoTypeOperatorFunction<T> {
  const { perTurn, pause, resume, nextTurn = immediately, turn = eventLoopTurn } = config;
  return (source) =>
    new Observable<T>((subscriber) => {
      /** Items passed on in turn `counted`. */
      let passed = 0;
      let counted = -1;
      let cancelTurn: (() => void) | undefined;
      const waiting: T[] = [];
      let head = 0;
      let completed = false;
      /** The source failed while items waited: they are passed on first, then the error. */
      let failure: { error: unknown } | undefined;

      const nextSlice = (): void => {
        cancelTurn = undefined;
        counted = turn();
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
        if (failure !== undefined) subscriber.error(failure.error);
        else if (completed) subscriber.complete();
        else resume();
      };

      const sub = source.subscribe({
        next(item) {
          if (head < waiting.length) {
            waiting.push(item);
            return;
          }
          const now = turn();
          if (now !== counted) {
            counted = now;
            passed = 0;
          }
          if (passed < perTurn) {
            passed++;
            subscriber.next(item);
            return;
          }
          waiting.push(item);
          pause();
          cancelTurn = nextTurn(nextSlice);
        },
        error(error: unknown) {
          if (head < waiting.length) failure = { error };
          else subscriber.error(error);
        },
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
