import { Message } from '@rx8583/iso8583';
import { isObservable, Subscription, take, type Observable } from 'rxjs';
import type { ConnectionHandlerErrorEvent } from './events';
import type { Connection } from './types';
import { asError, ConnectionClosedError, HandlerResultError } from '../errors';
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

/**
 * Runs a `serve` handler on one link: at most `concurrency` requests at once (the rest wait, and
 * the socket is not read meanwhile), every outcome settled — a reply written, nothing, or a
 * failure reported and answered by `failureReply` — so no handler can crash the process.
 */
export class Serving {
  private running = 0;
  private readonly waiting: Message[] = [];
  private readonly streams = new Set<Subscription>();
  private holding = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly link: ServedLink,
    private readonly handler: RequestHandler,
    private readonly options: ResolvedServeOptions,
  ) {}

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

  /** The link ended: drop waiting requests, stop listening to handler Observables. */
  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
    for (const stream of this.streams) stream.unsubscribe();
    this.streams.clear();
    this.wakeIdle();
  }

  private run(request: Message): void {
    this.running++;
    let result: HandlerResult;
    try {
      result = this.handler(request, this.link.connection);
    } catch (error) {
      this.fail(request, asError(error));
      return;
    }
    if (isObservable(result)) this.follow(request, result);
    else if (isThenable(result)) {
      result.then(
        (value) => this.answer(request, value),
        (error: unknown) => this.fail(request, asError(error)),
      );
    } else this.answer(request, result);
  }

  /** The first value of the handler's Observable answers; a second is reported, never sent. */
  private follow(request: Message, result$: Observable<unknown>): void {
    let values = 0;
    const stream = new Subscription();
    this.streams.add(stream);
    stream.add(() => this.streams.delete(stream));
    stream.add(
      result$.pipe(take(2)).subscribe({
        next: (value) => {
          values++;
          if (values === 1) this.answer(request, value);
          else
            this.report(request, new HandlerResultError('the handler emitted a second reply: only the first is sent'));
        },
        error: (error: unknown) => {
          stream.unsubscribe();
          if (values === 0) this.fail(request, asError(error));
          else this.report(request, asError(error));
        },
        complete: () => {
          stream.unsubscribe();
          if (values === 0) this.done();
        },
      }),
    );
  }

  private answer(request: Message, value: unknown): void {
    if (value === undefined || value === null) return this.done();
    if (!(value instanceof Message)) {
      return this.fail(
        request,
        new HandlerResultError(`the handler returned ${describeValue(value)}, not a Message (or nothing)`),
      );
    }
    this.link.reply(value, request).then(
      () => this.done(),
      (error: unknown) => this.fail(request, asError(error)),
    );
  }

  /** Reports the failure and sends `failureReply`'s answer, if any (once: its own failure is only reported). */
  private fail(request: Message, error: Error): void {
    if (this.stopped || error instanceof ConnectionClosedError) return this.done();
    let answer: Message | undefined;
    try {
      answer = this.options.failureReply(request, error);
    } catch (ruleError) {
      this.report(request, error);
      this.report(request, asError(ruleError));
      return this.done();
    }
    if (!(answer instanceof Message)) {
      if (answer !== undefined) {
        this.report(request, error);
        this.report(request, new HandlerResultError(`failureReply returned ${describeValue(answer)}, not a Message`));
      } else this.report(request, error);
      return this.done();
    }
    this.report(request, error, true);
    this.link.reply(answer, request).then(
      () => this.done(),
      (replyError: unknown) => {
        if (!(replyError instanceof ConnectionClosedError)) this.report(request, asError(replyError));
        this.done();
      },
    );
  }

  private report(request: Message, error: Error, answered = false): void {
    if (this.stopped) return;
    this.link.report({ mti: request.mti, key: this.link.keyOf(request), error, answered });
  }

  private done(): void {
    this.running--;
    const next = this.waiting.shift();
    if (next !== undefined && !this.stopped) this.run(next);
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
