import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { turnBudget, type TurnBudgetConfig } from '../src/connection/turn-budget';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A `nextTurn` on the test scheduler: each turn of the event loop is 10 virtual ms here. */
const turnsOf =
  (scheduler: TestScheduler) =>
  (work: () => void): (() => void) => {
    const action = scheduler.schedule(work, 10);
    return () => action.unsubscribe();
  };

/** A `nextTurn` whose turns the test runs by hand. */
function manualTurns() {
  const due: (() => void)[] = [];
  return {
    nextTurn: (work: () => void) => {
      due.push(work);
      return () => due.splice(due.indexOf(work), 1);
    },
    /** Ends the current turn: runs what was scheduled for the next one. */
    turn: () => due.splice(0).forEach((work) => work()),
    get scheduled() {
      return due.length;
    },
  };
}

function budget(perTurn: number, nextTurn: TurnBudgetConfig['nextTurn']) {
  const calls: string[] = [];
  const operator = turnBudget<string>({
    perTurn,
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    nextTurn,
  });
  return { operator, calls };
}

describe('turnBudget', () => {
  it('hands a burst on perTurn items a turn, in order', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const { operator } = budget(2, turnsOf(scheduler));
      // (ab) at 0, (cd) at 10, e at 20
      expectObservable(cold('(abcde|)').pipe(operator)).toBe('(ab) 6ms (cd) 6ms (e|)');
    });
  });

  it('counts from the last yield: a slow source yields one turn every perTurn items', () => {
    const scheduler = newScheduler();
    let calls: string[] = [];
    scheduler.run(({ cold, expectObservable }) => {
      const made = budget(2, turnsOf(scheduler));
      calls = made.calls;
      // a and b pass; c waits for the turn after it arrived (10 ms later), d passes again
      expectObservable(cold('a 9ms b 9ms c 14ms (d|)').pipe(made.operator)).toBe('a 9ms b 19ms c 4ms (d|)');
    });
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('pauses the source while items wait, and resumes it once they are all passed on', () => {
    const turns = manualTurns();
    const { operator, calls } = budget(2, turns.nextTurn);
    const source = new Subject<string>();
    const seen: string[] = [];
    source.pipe(operator).subscribe((item) => seen.push(item));
    for (const item of ['a', 'b', 'c', 'd', 'e']) source.next(item);
    expect(seen).toEqual(['a', 'b']);
    expect(calls).toEqual(['pause']);
    turns.turn();
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(calls).toEqual(['pause']);
    // an item that arrives while others wait queues behind them
    source.next('f');
    turns.turn();
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(calls).toEqual(['pause', 'resume']);
    // the budget is spent for this turn: a new item waits for the next one
    source.next('g');
    expect(seen).toHaveLength(6);
    turns.turn();
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(calls).toEqual(['pause', 'resume', 'pause', 'resume']);
  });

  it('passes an error at once, and completes only after the items ahead of it', () => {
    const turns = manualTurns();
    const source = new Subject<string>();
    const seen: string[] = [];
    const ends: string[] = [];
    source.pipe(budget(1, turns.nextTurn).operator).subscribe({
      next: (item) => seen.push(item),
      complete: () => ends.push('complete'),
    });
    source.next('a');
    source.next('b');
    source.complete();
    expect(ends).toEqual([]);
    turns.turn();
    expect(seen).toEqual(['a', 'b']);
    expect(ends).toEqual(['complete']);

    const failing = new Subject<string>();
    const errors: unknown[] = [];
    failing.pipe(budget(1, turns.nextTurn).operator).subscribe({ error: (error: unknown) => errors.push(error) });
    failing.next('a');
    failing.next('b');
    failing.error(new Error('framing lost'));
    expect(errors).toEqual([new Error('framing lost')]);
  });

  it('unsubscribing cancels the next turn and does not resume the source', () => {
    const turns = manualTurns();
    const { operator, calls } = budget(1, turns.nextTurn);
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
