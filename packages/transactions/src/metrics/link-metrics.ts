import type { RequestKeyFn, TrafficRecord } from '@rx8583/connection';
import type { Message } from '@rx8583/iso8583';
import { build, type Histogram } from 'hdr-histogram-js';
import { Observable, interval, map, startWith, type SchedulerLike } from 'rxjs';
import { observeLinks, type LinkObserver, type ObservedTarget, type RequestOutcome } from './observe-links';

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
  /** Requests sent. */
  sent: number;
  /** Replies and raw writes sent (they expect no response). */
  replies: number;
  /** Frames received: responses, the peer's requests, keep-alives, undecodable ones. */
  received: number;
  /** Responses that settled their request. */
  responses: number;
  /** Messages that went to `inbound$`: the peer's requests, late and unknown responses. */
  unmatched: number;
  /** Requests waiting for their response now. */
  inFlight: number;
  /** Requests whose response did not come in time. */
  timeouts: number;
  /** Failures by class: `timeout`, `linkClosed` (pending when its link ended), `undecodable`, `refused`. */
  errors: Record<string, number>;
  /** Matched responses by field 39 (`none` when absent). */
  responseCodes: Record<string, number>;
  /**
   * Latency from request out to response in of matched requests: a sample of one in ten, the
   * requests whose STAN ends in 0 (an even sample, as STANs count up).
   */
  latency: LatencySnapshot;
}

/** What `metrics$` takes. */
export interface MetricsOptions {
  /** Milliseconds between snapshots (the first comes at once). Default 1 000. */
  interval?: number;
  /** The links' correlation key, to pair requests with responses. Default `defaultRequestKey`. */
  requestKey?: RequestKeyFn;
  /** Scheduler of the snapshot timer (tests). Default: RxJS's async scheduler. */
  scheduler?: SchedulerLike;
}

/** Latency is recorded in microseconds up to this (an hour); longer ones count as the maximum. */
const MAX_LATENCY_US = 3_600_000_000;

/**
 * Metrics of a connection, a pool (all its links) or a server (all accepted links), taken from
 * their `traffic$` taps: a snapshot at once, then every `interval` ms, counting from the
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
    const watch = observeLinks(target, counts, options.requestKey);
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
 * The counters behind `metrics$`: counts come from the traffic records' outcomes alone; latency
 * from one request in ten, those whose STAN ends in 0 (STANs count up, so that is an even sample)
 * — pairing every request with its response cost about 0.3 µs of CPU per round trip, a tenth of
 * a round trip's whole cost (benchmarks/README.md).
 */
class MetricsCounter implements LinkObserver<number> {
  #links = 0;
  #sent = 0;
  #replies = 0;
  #received = 0;
  #responses = 0;
  #unmatched = 0;
  #inFlight = 0;
  #timeouts = 0;
  readonly #errors: Record<string, number> = {};
  readonly #codes: Record<string, number> = {};
  readonly #latency: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_LATENCY_US,
    numberOfSignificantValueDigits: 3,
  });

  links(delta: 1 | -1): void {
    this.#links += delta;
  }

  record(record: TrafficRecord): void {
    if (record.direction === 'in') {
      this.#received++;
      if (record.outcome === 'unmatched') this.#unmatched++;
      else if (record.outcome === 'undecodable' || record.outcome === 'refused') this.#error(record.outcome);
    } else if (record.outcome === 'reply') {
      this.#replies++;
    }
  }

  start(): number {
    this.#sent++;
    this.#inFlight++;
    return performance.now();
  }

  end(started: number, outcome: RequestOutcome, response?: Message): void {
    this.#inFlight--;
    if (outcome === 'matched') {
      this.#responses++;
      const code = response?.has(39) ? String(response.get(39)) : 'none';
      this.#codes[code] = (this.#codes[code] ?? 0) + 1;
      this.#latency.recordValue(
        Math.min(MAX_LATENCY_US, Math.max(1, Math.round((performance.now() - started) * 1_000))),
      );
    } else if (outcome === 'timedOut') {
      this.#timeouts++;
      this.#error('timeout');
    } else {
      this.#error('linkClosed');
    }
  }

  snapshot(): MetricsSnapshot {
    const h = this.#latency;
    const empty = h.totalCount === 0;
    const max = h.maxValue;
    // A percentile is the top of its histogram bucket, which can lie above the largest value recorded.
    const ms = (us: number) => Math.min(us, max) / 1_000;
    return {
      time: Date.now(),
      links: this.#links,
      sent: this.#sent,
      replies: this.#replies,
      received: this.#received,
      responses: this.#responses,
      unmatched: this.#unmatched,
      inFlight: this.#inFlight,
      timeouts: this.#timeouts,
      errors: { ...this.#errors },
      responseCodes: { ...this.#codes },
      latency: {
        count: h.totalCount,
        min: empty ? 0 : ms(h.minNonZeroValue),
        mean: empty ? 0 : ms(h.mean),
        p50: ms(h.getValueAtPercentile(50)),
        p90: ms(h.getValueAtPercentile(90)),
        p99: ms(h.getValueAtPercentile(99)),
        p999: ms(h.getValueAtPercentile(99.9)),
        max: max / 1_000,
      },
    };
  }

  #error(kind: string): void {
    this.#errors[kind] = (this.#errors[kind] ?? 0) + 1;
  }
}
