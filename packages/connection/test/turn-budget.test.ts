import { Observable, Subject, type MonoTypeOperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TurnBudget, type TurnBudgetConfig } from '../src/connection/turn-budget';

/** The budget between a source and a subscriber, as the marbles draw it. */
function turnBudget<T>(config: TurnBudgetConfig): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const budget = new TurnBudget<T>(config, subscriber);
      const subscription = source.subscribe(budget);
      return () => {
        budget.cancel();
        subscription.unsubscribe();
      };
    });
}

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Turns of the event loop on the test scheduler: each lasts 10 virtual ms here. */
const turnsOf = (scheduler: TestScheduler): Pick<TurnBudgetConfig, 'nextTurn' | 'turn'> => ({
  nextTurn: (work) => {
    const action = scheduler.schedule(work, 10 - (scheduler.now() % 10));
    return () => action.unsubscribe();
  },
  turn: () => Math.floor(scheduler.now() / 10),
});

/** Turns the test runs by hand. */
function manualTurns() {
  const due: (() => void)[] = [];
  let current = 0;
  return {
    nextTurn: (work: () => void) => {
      due.push(work);
      return () => due.splice(due.indexOf(work), 1);
    },
    turn: () => current,
    /** Ends the current turn: the next begins with what was scheduled for it. */
    advance: () => {
      current++;
      due.splice(0).forEach((work) => work());
    },
    get scheduled() {
      return due.length;
    },
  };
}

function budget(perTurn: number, turns: Pick<TurnBudgetConfig, 'nextTurn' | 'turn'>) {
  const calls: string[] = [];
  const operator = turnBudget<string>({
    perTurn,
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    ...turns,
  });
  return { operator, calls };
}

describe('turnBudget', () => {
  it('hands a burst on perTurn items a turn, in order', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { operator } = budget(2, turnsOf(scheduler));
      // (ab) at 0, (cd) at 10, e at 20
      expectObservable(cold('(abcde)').pipe(operator)).toBe('(ab) 6ms (cd) 6ms e');
    });
  });

  it('passes a source that stays within budget untouched', () => {
    const scheduler = newScheduler();
    let calls: string[] = [];
    scheduler.run(({ cold, expectObservable }) => {
      const made = budget(2, turnsOf(scheduler));
      calls = made.calls;
      expectObservable(cold('ab 8ms cd 8ms e').pipe(made.operator)).toBe('ab 8ms cd 8ms e');
    });
    expect(calls).toEqual([]);
  });

  it('pauses the source while items wait, and resumes it once they are all passed on', () => {
    const turns = manualTurns();
    const { operator, calls } = budget(2, turns);
    const source = new Subject<string>();
    const seen: string[] = [];
    source.pipe(operator).subscribe((item) => seen.push(item));
    for (const item of ['a', 'b', 'c', 'd', 'e']) source.next(item);
    expect(seen).toEqual(['a', 'b']);
    expect(calls).toEqual(['pause']);
    turns.advance();
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(calls).toEqual(['pause']);
    // an item that arrives while others wait queues behind them
    source.next('f');
    turns.advance();
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(calls).toEqual(['pause', 'resume']);
    // the budget is spent for this turn: a new item waits for the next one
    source.next('g');
    expect(seen).toHaveLength(6);
    turns.advance();
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(calls).toEqual(['pause', 'resume', 'pause', 'resume']);
  });

  it('errors only after the items ahead of it', () => {
    const turns = manualTurns();
    const failing = new Subject<string>();
    const order: string[] = [];
    failing.pipe(budget(1, turns).operator).subscribe({
      next: (item) => order.push(item),
      error: (error: unknown) => order.push(`error: ${(error as Error).message}`),
    });
    failing.next('a');
    failing.next('b');
    failing.error(new Error('framing lost'));
    expect(order).toEqual(['a']);
    turns.advance();
    expect(order).toEqual(['a', 'b', 'error: framing lost']);

    // with nothing waiting, an error passes at once
    const idle = new Subject<string>();
    const idleErrors: unknown[] = [];
    idle.pipe(budget(1, turns).operator).subscribe({ error: (error: unknown) => idleErrors.push(error) });
    idle.error(new Error('reset'));
    expect(idleErrors).toEqual([new Error('reset')]);
  });

  it('unsubscribing cancels the next turn and does not resume the source', () => {
    const turns = manualTurns();
    const { operator, calls } = budget(1, turns);
    const source = new Subject<string>();
    const seen: string[] = [];
    const subscription = source.pipe(operator).subscribe((item) => seen.push(item));
    source.next('a');
    source.next('b');
    expect(turns.scheduled).toBe(1);
    subscription.unsubscribe();
    expect(turns.scheduled).toBe(0);
    expect(seen).toEqual(['a']);
    expect(calls).toEqual(['pause']);
  });
});
