import { Observable, asyncScheduler, type SchedulerAction, type SchedulerLike } from 'rxjs';

/**
 * Emits 1, 2, 3, ... each time `period` passes with nothing from `activity$`, the count
 * restarting at every activity and at subscription. Completes with `activity$` (nothing is
 * emitted at or after its completion) and errors with it.
 *
 * Written against the scheduler rather than as `switchMap(() => interval(period))`: that
 * re-arms a timer for every message, where this records a timestamp per message and keeps one
 * timer that re-arms at most once a period — it sits on the hot path of every send and receive.
 */
export function quietPeriods(
  activity$: Observable<unknown>,
  period: number,
  scheduler: SchedulerLike = asyncScheduler,
): Observable<number> {
  return new Observable<number>((subscriber) => {
    let quietSince = scheduler.now();
    let emitted = 0;
    const nextDue = () => quietSince + period * (emitted + 1);

    const timer = scheduler.schedule(function check(this: SchedulerAction<undefined>) {
      if (scheduler.now() >= nextDue()) {
        emitted += 1;
        // May re-enter through activity (a ping is a write); the next due time is read after.
        subscriber.next(emitted);
      }
      if (!subscriber.closed) this.schedule(undefined, Math.max(0, nextDue() - scheduler.now()));
    }, period);

    const source = activity$.subscribe({
      next() {
        quietSince = scheduler.now();
        emitted = 0;
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });

    return () => {
      timer.unsubscribe();
      source.unsubscribe();
    };
  });
}
