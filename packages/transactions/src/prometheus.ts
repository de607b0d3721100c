/**
 * @rx8583/transactions/prometheus — `metrics$` snapshots as Prometheus metrics through prom-client
 * (an optional peer dependency: install it to use this entry).
 */
import { Counter, Gauge, register as defaultRegistry, type Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import type { MetricsSnapshot } from './metrics/link-metrics';

/** What `exposePrometheusMetrics` takes. */
export interface PrometheusOptions {
  /** The registry to add the metrics to. Default prom-client's global `register`. */
  registry?: Registry;
  /** Prefix of every metric name. Default `'rx8583_'`; give each exposed target its own or its own registry. */
  prefix?: string;
  /** Constant labels on every series, e.g. `{ link: 'acquirer-host' }`. */
  labels?: Record<string, string>;
}

/** The registered metrics; `close()` stops following the snapshots and unregisters them. */
export interface PrometheusExposure {
  close(): void;
}

/**
 * Follows `snapshots` (from `metrics$`) and exposes the latest one on a prom-client registry:
 * counters `<prefix>requests_sent_total`, `…replies_sent_total`, `…frames_received_total`,
 * `…responses_total{code}`, `…unmatched_total`, `…timeouts_total`, `…errors_total{class}`; gauges
 * `…in_flight`, `…links` and `…latency_seconds{quantile}` (0.5, 0.9, 0.99, 0.999, 1).
 *
 * @example
 * ```ts
 * import { exposePrometheusMetrics } from '@rx8583/transactions/prometheus';
 * exposePrometheusMetrics(metrics$(pool, { interval: 5_000 }), { labels: { link: 'host' } });
 * http.createServer(async (_, res) => res.end(await register.metrics())).listen(9464);
 * ```
 */
export function exposePrometheusMetrics(
  snapshots: Observable<MetricsSnapshot>,
  options: PrometheusOptions = {},
): PrometheusExposure {
  const registry = options.registry ?? defaultRegistry;
  const prefix = options.prefix ?? 'rx8583_';
  const constant = options.labels ?? {};
  const constantNames = Object.keys(constant);
  let latest: MetricsSnapshot | undefined;
  const names: string[] = [];

  const counter = (name: string, help: string, value: (s: MetricsSnapshot) => number) => {
    names.push(prefix + name);
    new Counter({
      name: prefix + name,
      help,
      labelNames: constantNames,
      registers: [registry],
      collect() {
        if (latest === undefined) return;
        this.reset();
        this.inc(constant, value(latest));
      },
    });
  };
  const byLabel = (
    name: string,
    help: string,
    label: string,
    values: (s: MetricsSnapshot) => Record<string, number>,
  ) => {
    names.push(prefix + name);
    new Counter({
      name: prefix + name,
      help,
      labelNames: [...constantNames, label],
      registers: [registry],
      collect() {
        if (latest === undefined) return;
        this.reset();
        for (const [key, n] of Object.entries(values(latest))) this.inc({ ...constant, [label]: key }, n);
      },
    });
  };
  const gauge = (name: string, help: string, labels: string[], set: (g: Gauge, s: MetricsSnapshot) => void) => {
    names.push(prefix + name);
    new Gauge({
      name: prefix + name,
      help,
      labelNames: [...constantNames, ...labels],
      registers: [registry],
      collect() {
        if (latest !== undefined) set(this, latest);
      },
    });
  };

  counter('requests_sent_total', 'ISO 8583 requests sent', (s) => s.sent);
  counter('replies_sent_total', 'Replies and raw writes sent', (s) => s.replies);
  counter('frames_received_total', 'Frames received', (s) => s.received);
  counter('unmatched_total', 'Messages to inbound$: peer requests, late and unknown responses', (s) => s.unmatched);
  counter('timeouts_total', 'Requests without a response in time', (s) => s.timeouts);
  byLabel('responses_total', 'Responses that settled their request, by field 39', 'code', (s) => s.responseCodes);
  byLabel('errors_total', 'Failures by class', 'class', (s) => s.errors);
  gauge('in_flight', 'Requests waiting for their response', [], (g, s) => g.set(constant, s.inFlight));
  gauge('links', 'Links watched', [], (g, s) => g.set(constant, s.links));
  gauge('latency_seconds', 'Request to response latency of matched requests', ['quantile'], (g, s) => {
    const l = s.latency;
    const quantiles: Array<[string, number]> = [
      ['0.5', l.p50],
      ['0.9', l.p90],
      ['0.99', l.p99],
      ['0.999', l.p999],
      ['1', l.max],
    ];
    for (const [quantile, ms] of quantiles) g.set({ ...constant, quantile }, ms / 1_000);
  });

  const subscription = snapshots.subscribe((snapshot) => (latest = snapshot));
  return {
    close() {
      subscription.unsubscribe();
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}
