import { Message } from '@rx8583/iso8583';
import { isObservable, take, type Observable, type Subscription } from 'rxjs';
import { systemClock, type Clock } from './clock';
import { DeadlineQueue, type Expirable, type Lane } from './deadline-queue';
import type { ConnectionHandlerErrorEvent } from './events';
import type { Connection } from './types';
import { asError, ConnectionClosedError, HandlerResultError, HandlerTimeoutError } from '../errors';
import { describeValue } from '../option-checks';
import type { HandlerResult, RequestHandler, ResolvedServeOptions } from './request-handler';

/** A failed request as `events$` reports it: what it was, never what it carried. */
export type HandlerFailure = Omit<ConnectionHandlerErrorEvent, 'type'>;

/** What serving needs from the link it serves. */
export interface ServedLink {
  /** The connection handed to the handler. */
  readonly connection: Connection;
  /** Writes `response` as the answer to `request` (mirroring its network header). */
  reply(response: Message, request: Message): Promise<void>;
  /** The request's correlation key, for reports; undefined when it has none. */
  keyOf(request: Message): string | undefined;
  /** Reports a failed request (`handlerError` on `events$`). */
  report(failure: HandlerFailure): void;
  /** Stops / resumes reading the socket: the handlers are at their bound. */
  holdReading(held: boolean): void;
}

/** One request in the hands of the handler, then of the reply path. */
class Job implements Expirable {
  /** `handling`: the handler's answer counts; `replying`: it no longer does; `done`: settled. */
  phase: 'handling' | 'replying' | 'done' = 'handling';
  stream?: Subscription = undefined;
  deadline = 0;
  deadlineLane: Lane | undefined = undefined;
  deadlineSlot = 0;

  constructor(
    readonly request: Message,
    private readonly onTimeout: (job: Job) => void,
  ) {}

  expire(): void {
    this.onTimeout(this);
  }
}

/**
 * Runs a `serve` handler on one link: at most `concurrency` requests at once (the rest wait, and
 * the socket is not read meanwhile), each for at most `timeout` ms, every outcome settled — a
 * reply written, nothing, or a failure reported and answered by `failureReply` — so no handler can
 * crash the process or hold a request (and its concurrency slot) for ever.
 */
export class Serving {
  private running = 0;
  private readonly waiting: Message[] = [];
  /**
   * Jobs following a handler's Observable: a link that ends unsubscribes them. Only those: a Set
   * that every request entered and left cost ~1.8 µs of server CPU a round trip (3.3 → 5.1 µs, K =
   * 100, serve + toResponse — V8 reallocates a Set's table as entries churn, and the GC pays).
   */
  private readonly following = new Set<Job>();
  private holding = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  // One timer for the link's handlers, not one per request: a `setTimeout` armed and cleared per
  // request cost ~0.9 µs of server CPU a round trip (5.2 → 4.3 µs, serve + toResponse, K = 100).
  // Only a Promise or an Observable is timed: a handler that answered synchronously is done.
  private readonly deadlines: DeadlineQueue;
  private readonly timedOut = (job: Job): void => {
    if (job.phase !== 'handling') return;
    job.stream?.unsubscribe();
    this.fail(job, new HandlerTimeoutError(this.options.timeout));
  };

  constructor(
    private readonly link: ServedLink,
    private readonly handler: RequestHandler,
    private readonly options: ResolvedServeOptions,
    clock: Clock = systemClock,
  ) {
    this.deadlines = new DeadlineQueue(clock);
  }

  /** Handles an inbound request now, or once a handler slot is free. */
  push(request: Message): void {
    if (this.stopped) return;
    if (this.running < this.options.concurrency) this.run(request);
    else this.waiting.push(request);
    this.updateHold();
  }

  /** Resolves once no handler is running and none waits (at once when none is). */
  whenIdle(): Promise<void> {
    if (this.stopped || (this.running === 0 && this.waiting.length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The link ended: drop waiting requests, stop listening to handler Observables and timers. */
  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
    for (const job of this.following) this.release(job);
    this.following.clear();
    this.deadlines.clear();
    this.wakeIdle();
  }

  private run(request: Message): void {
    this.running++;
    const job = new Job(request, this.timedOut);
    let result: HandlerResult;
    try {
      result = this.handler(request, this.link.connection);
    } catch (error) {
      this.fail(job, asError(error));
      return;
    }
    if (isObservable(result)) {
      this.startClock(job);
      this.follow(job, result);
    } else if (isThenable(result)) {
      this.startClock(job);
      result.then(
        (value) => this.answer(job, value),
        (error: unknown) => this.fail(job, asError(error)),
      );
    } else this.answer(job, result);
  }

  /** The first value of the handler's Observable answers; a second is reported, never sent. */
  private follow(job: Job, result$: Observable<unknown>): void {
    let values = 0;
    this.following.add(job);
    job.stream = result$.pipe(take(2)).subscribe({
      next: (value) => {
        values++;
        if (values === 1) this.answer(job, value);
        else
          this.report(
            job.request,
            new HandlerResultError('the handler emitted a second reply: only the first is sent'),
          );
      },
      error: (error: unknown) => {
        if (values === 0) this.fail(job, asError(error));
        else this.report(job.request, asError(error));
      },
      complete: () => {
        if (values === 0 && job.phase === 'handling') this.done(job);
      },
    });
  }

  /** Gives an asynchronous answer `timeout` ms; scheduled before the answer is followed, which may be at once. */
  private startClock(job: Job): void {
    const { timeout } = this.options;
    if (Number.isFinite(timeout)) this.deadlines.add(job, timeout);
  }

  private answer(job: Job, value: unknown): void {
    if (job.phase !== 'handling') return;
    const { request } = job;
    if (value === undefined || value === null) return this.done(job);
    if (!(value instanceof Message)) {
      return this.fail(
        job,
        new HandlerResultError(`the handler returned ${describeValue(value)}, not a Message (or nothing)`),
      );
    }
    job.phase = 'replying';
    this.deadlines.cancel(job);
    // A reply that fails (it did not pack, the link ended) fails the request like a handler would.
    this.link.reply(value, request).then(
      () => this.done(job),
      (error: unknown) => this.answerFailure(job, asError(error)),
    );
  }

  /** The handler failed: from now on its answer no longer counts, and the failure is answered. */
  private fail(job: Job, error: Error): void {
    if (job.phase !== 'handling') return;
    job.phase = 'replying';
    this.deadlines.cancel(job);
    this.answerFailure(job, error);
  }

  /** Reports the failure and sends `failureReply`'s answer, if any (once: its own failure is only reported). */
  private answerFailure(job: Job, error: Error): void {
    const { request } = job;
    if (this.stopped || error instanceof ConnectionClosedError) return this.done(job);
    let answer: Message | undefined;
    try {
      answer = this.options.failureReply(request, error);
    } catch (ruleError) {
      this.report(request, error);
      this.report(request, asError(ruleError));
      return this.done(job);
    }
    if (!(answer instanceof Message)) {
      if (answer !== undefined) {
        this.report(request, error);
        this.report(request, new HandlerResultError(`failureReply returned ${describeValue(answer)}, not a Message`));
      } else this.report(request, error);
      return this.done(job);
    }
    this.report(request, error, true);
    this.link.reply(answer, request).then(
      () => this.done(job),
      (replyError: unknown) => {
        if (!(replyError instanceof ConnectionClosedError)) this.report(request, asError(replyError));
        this.done(job);
      },
    );
  }

  private report(request: Message, error: Error, answered = false): void {
    if (this.stopped) return;
    this.link.report({ mti: request.mti, key: this.link.keyOf(request), error, answered });
  }

  private release(job: Job): void {
    this.deadlines.cancel(job);
    job.stream?.unsubscribe();
    job.phase = 'done';
  }

  private done(job: Job): void {
    if (job.phase === 'done') return;
    this.release(job);
    this.following.delete(job);
    if (this.stopped) return;
    this.running--;
    const next = this.waiting.shift();
    if (next !== undefined) this.run(next);
    this.updateHold();
    if (this.running === 0 && this.waiting.length === 0) this.wakeIdle();
  }

  private updateHold(): void {
    const full = !this.stopped && this.running >= this.options.concurrency;
    if (full !== this.holding) {
      this.holding = full;
      this.link.holdReading(full);
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
