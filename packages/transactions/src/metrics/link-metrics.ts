import { ConnectionClosedError, RejectedMessageError, type Connection, type TrafficRecord } from '@rx8583/connection';
import type { FieldValue } from '@rx8583/iso8583';
import { build, type Histogram } from 'hdr-histogram-js';
import { Observable, interval, map, startWith, type SchedulerLike } from 'rxjs';
import { LatencyCounts } from './latency-counts';
import { observeLinks, type LinkObserver, type ObservedTarget } from './observe-links';

/** Latency percentiles of matched requests, in milliseconds (microsecond resolution). */
export interface LatencySnapshot {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Counters since the subscription started, and the state now. */
export interface MetricsSnapshot {
  /** When it was taken, ms since the epoch. */
  time: number;
  /** Links watched now (open). */
  links: number;
  /**
   * Requests sent — the `send`s the watched links took: those that ended (answered, timed out or
   * failed) since the subscription, plus those in flight now (awaiting their response or waiting
   * to be written).
   */
  sent: number;
  /** Replies and raw writes sent (they expect no response). */
  replies: number;
  /** Frames received: responses, the peer's requests, keep-alives, undecodable ones. */
  received: number;
  /** Responses that settled their request. */
  responses: number;
  /** Messages that went to `inbound$`: the peer's requests, late and unknown responses. */
  unmatched: number;
  /** Requests pending on the watched links now: awaiting their response, or waiting to be written. */
  inFlight: number;
  /** Requests whose response did not come in time. */
  timeouts: number;
  /**
   * Failures by class: `timeout`; `linkClosed` (`ConnectionClosedError`: pending when its link
   * ended, or a `send$` unsubscribed); `rejected` (`RejectedMessageError`); `undecodable` and
   * `refused` (inbound frames); any other error by its `name`.
   */
  errors: Record<string, number>;
  /** Matched responses by field 39 (`none` when absent). */
  responseCodes: Record<string, number>;
  /** Latency from the `send` call to its response, of every matched request. */
  latency: LatencySnapshot;
}

/** What `metrics$` takes. */
export interface MetricsOptions {
  /** Milliseconds between snapshots (the first comes at once). Default 1 000. */
  interval?: number;
  /** Scheduler of the snapshot timer (tests). Default: RxJS's async scheduler. */
  scheduler?: SchedulerLike;
}

/** Latency is recorded in microseconds up to this (an hour); longer ones count as the maximum. */
const MAX_LATENCY_US = 3_600_000_000;

/**
 * Metrics of a connection, a pool (all its links) or a server (all accepted links), taken from
 * their traffic taps (`listenTraffic`): a snapshot at once, then every `interval` ms, counting from the
 * subscription. Nothing is counted — and the links pay nothing — while nobody subscribes.
 *
 * @example
 * ```ts
 * metrics$(pool, { interval: 10_000 }).subscribe((m) =>
 *   log.info(`${m.sent} sent, ${m.inFlight} in flight, p99 ${m.latency.p99} ms, ${m.timeouts} timeouts`),
 * );
 * ```
 */
export function metrics$(target: ObservedTarget, options: MetricsOptions = {}): Observable<MetricsSnapshot> {
  const period = options.interval ?? 1_000;
  if (typeof period !== 'number' || !(period > 0)) {
    throw new RangeError(`metrics$: interval must be a positive number of milliseconds, got ${String(period)}`);
  }
  return new Observable<MetricsSnapshot>((subscriber) => {
    const counts = new MetricsCounter();
    const watch = observeLinks(target, counts);
    const ticks = interval(period, options.scheduler)
      .pipe(
        startWith(-1),
        map(() => counts.snapshot()),
      )
      .subscribe(subscriber);
    return () => {
      ticks.unsubscribe();
      watch.unsubscribe();
    };
  });
}

/**
 * The counters behind `metrics$`. A record costs a few field writes: the link's tap already says
 * how each request ended and how long it took (no table of requests here), counters are plain
 * numbers turned into a snapshot only on the snapshot timer (a response adds to one of them:
 * `received` and `sent` are sums taken then), and every matched response's latency is counted in
 * hdr-histogram's own slots, folded into the histogram at each snapshot (`LatencyCounts`). In
 * flight is read from the links at snapshot time, and so is `sent` (ended + in flight): the links
 * leave out their `request` records (`requests = false`), one record a round trip instead of two —
 * ~11 of the ~38 ns the records cost in a scratch microbenchmark that drove the tap directly.
 */
class MetricsCounter implements LinkObserver {
  /** Only each request's end is needed: `sent` is those ended plus those in flight. */
  readonly requests = false;
  private readonly watched = new Set<Connection>();
  /** Responses that settled their request (each also received, and the end of a request). */
  private responses = 0;
  /** Received besides responses: unmatched messages, keep-alives, undecodable and refused frames. */
  private otherReceived = 0;
  /** Requests that ended without a response: timed out or failed. */
  private unanswered = 0;
  private replies = 0;
  private unmatched = 0;
  private timeouts = 0;
  private readonly errors = new Map<string, number>();
  private readonly codes = new ResponseCodes();
  private readonly latencies = new LatencyCounts(MAX_LATENCY_US);
  private readonly latency: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_LATENCY_US,
    numberOfSignificantValueDigits: 3,
  });

  links(link: Connection, delta: 1 | -1): void {
    if (delta > 0) this.watched.add(link);
    else this.watched.delete(link);
  }

  record(record: TrafficRecord): void {
    switch (record.outcome) {
      case 'matched': {
        this.responses++;
        this.codes.count(record.message!.get(39));
        this.latencies.record(record.latency! * 1_000);
        return;
      }
      case 'reply':
        this.replies++;
        return;
      case 'unmatched':
        this.otherReceived++;
        this.unmatched++;
        return;
      case 'keepAlive':
        this.otherReceived++;
        return;
      case 'undecodable':
      case 'refused':
        this.otherReceived++;
        this.count(this.errors, record.outcome);
        return;
      case 'timedOut':
        this.unanswered++;
        this.timeouts++;
        this.count(this.errors, 'timeout');
        return;
      case 'failed':
        this.unanswered++;
        this.count(this.errors, failureClass(record.error));
        return;
    }
  }

  snapshot(): MetricsSnapshot {
    const h = this.latency;
    this.latencies.foldInto(h);
    const empty = h.totalCount === 0;
    const max = h.maxValue;
    // A percentile is the top of its histogram bucket, which can lie above the largest value recorded.
    const ms = (us: number) => Math.min(us, max) / 1_000;
    let inFlight = 0;
    for (const link of this.watched) inFlight += link.inFlight;
    return {
      time: Date.now(),
      links: this.watched.size,
      sent: this.responses + this.unanswered + inFlight,
      replies: this.replies,
      received: this.responses + this.otherReceived,
      responses: this.responses,
      unmatched: this.unmatched,
      inFlight,
      timeouts: this.timeouts,
      errors: Object.fromEntries(this.errors),
      responseCodes: this.codes.snapshot(),
      latency: {
        count: h.totalCount,
        min: empty ? 0 : ms(h.minNonZeroValue),
        mean: empty ? 0 : this.latencies.sum / h.totalCount / 1_000,
        p50: ms(h.getValueAtPercentile(50)),
        p90: ms(h.getValueAtPercentile(90)),
        p99: ms(h.getValueAtPercentile(99)),
        p999: ms(h.getValueAtPercentile(99.9)),
        max: max / 1_000,
      },
    };
  }

  private count(counts: Map<string, number>, key: string): void {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}

/**
 * Matched responses by field 39. Most responses of a link carry the code of the one before (`00`,
 * or none in network management), so the count of the last code is kept at hand: a string
 * comparison instead of a `Map` lookup and store per response (~8 ns of the ~40 a round trip's
 * records cost `metrics$`, in the microbenchmark the counter's comment names).
 */
class ResponseCodes {
  private readonly counts = new Map<string, { n: number }>();
  private lastLabel: string | undefined = undefined;
  private lastCount = { n: 0 };

  count(code: FieldValue | undefined): void {
    const label = typeof code === 'string' ? code : code === undefined ? 'none' : String(code);
    if (label !== this.lastLabel) {
      let count = this.counts.get(label);
      if (count === undefined) this.counts.set(label, (count = { n: 0 }));
      this.lastLabel = label;
      this.lastCount = count;
    }
    this.lastCount.n++;
  }

  snapshot(): Record<string, number> {
    const codes: Record<string, number> = {};
    for (const [label, count] of this.counts) codes[label] = count.n;
    return codes;
  }
}

/** The `errors` class of a request that failed without a response. */
function failureClass(error: Error | undefined): string {
  if (error instanceof ConnectionClosedError) return 'linkClosed';
  if (error instanceof RejectedMessageError) return 'rejected';
  return error?.name ?? 'unknown';
}
