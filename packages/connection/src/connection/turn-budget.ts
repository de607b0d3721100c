/** Configuration of a {@link TurnBudget}. */
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

/** Where a budget hands its items on: an RxJS `Subscriber` fits. */
export interface BudgetOutput<T> {
  next(item: T): void;
  error(error: unknown): void;
  /** Nothing more is wanted (the link ended). */
  readonly closed: boolean;
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
 *
 * A plain object, not an operator: it sits on every link's read path before the first frame, where
 * an RxJS stage would cost each idle link ~650 bytes. Its waiting list is made when first needed.
 */
export class TurnBudget<T> {
  /** Items passed on in turn `counted`. */
  private passed = 0;
  private counted = -1;
  private cancelTurn: (() => void) | undefined = undefined;
  private waiting: T[] | undefined = undefined;
  private head = 0;
  /** The source failed while items waited: they are passed on first, then the error. */
  private failure: { error: unknown } | undefined = undefined;
  private readonly nextTurn: (work: () => void) => () => void;
  private readonly turn: () => number;
  /** `nextSlice` as a callback, made by the first backlog. */
  private slice: (() => void) | undefined = undefined;

  constructor(
    private readonly config: TurnBudgetConfig,
    private readonly output: BudgetOutput<T>,
  ) {
    this.nextTurn = config.nextTurn ?? immediately;
    this.turn = config.turn ?? eventLoopTurn;
  }

  /** Items waiting for a later turn. */
  private get backlog(): boolean {
    return this.waiting !== undefined && this.head < this.waiting.length;
  }

  next(item: T): void {
    if (this.backlog) {
      this.waiting!.push(item);
      return;
    }
    const now = this.turn();
    if (now !== this.counted) {
      this.counted = now;
      this.passed = 0;
    }
    if (this.passed < this.config.perTurn) {
      this.passed++;
      this.output.next(item);
      return;
    }
    (this.waiting ??= []).push(item);
    this.config.pause();
    this.cancelTurn = this.nextTurn((this.slice ??= () => this.nextSlice()));
  }

  error(error: unknown): void {
    if (this.backlog) this.failure = { error };
    else this.output.error(error);
  }

  /** Drops what waits and cancels the next turn; the source is not resumed. */
  cancel(): void {
    this.cancelTurn?.();
    this.cancelTurn = undefined;
    this.waiting = undefined;
    this.head = 0;
  }

  private nextSlice(): void {
    const { output } = this;
    const waiting = this.waiting!;
    this.cancelTurn = undefined;
    this.counted = this.turn();
    this.passed = 0;
    while (this.head < waiting.length && this.passed < this.config.perTurn && !output.closed) {
      const item = waiting[this.head]!;
      waiting[this.head++] = undefined as T;
      this.passed++;
      output.next(item);
    }
    if (output.closed) return;
    if (this.head < waiting.length) {
      this.cancelTurn = this.nextTurn(this.slice!);
      return;
    }
    waiting.length = 0;
    this.head = 0;
    if (this.failure !== undefined) output.error(this.failure.error);
    else this.config.resume();
  }
}
