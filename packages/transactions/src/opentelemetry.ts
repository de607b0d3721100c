/**
 * @rx8583/transactions/opentelemetry — one OpenTelemetry span per request sent on a link, through
 * `@opentelemetry/api` (an optional peer dependency: install it to use this entry).
 */
import { SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Connection } from '@rx8583/connection';
import type { Message } from '@rx8583/iso8583';
import type { Subscription } from 'rxjs';
import { observeLinks, type ObservedTarget } from './metrics/observe-links';

/** What `traceSends` takes. */
export interface TraceSendsOptions {
  /** The tracer spans come from. Default `trace.getTracer('@rx8583/transactions')`. */
  tracer?: Tracer;
}

/**
 * Opens a client span for each request sent on the links of `target` (a connection, a pool, a
 * server), named `ISO 8583 <MTI>`, with attributes `iso8583.mti` and `iso8583.stan`, and ends it
 * with `iso8583.outcome` (`matched`, `timedOut`, `failed`) and `iso8583.response_code`. Never card
 * data: no PAN, track, amounts or other field values. The span starts inside `send`, so it is a
 * child of the span active there. Unsubscribe to stop (spans still open then are dropped).
 *
 * @example
 * ```ts
 * import { traceSends } from '@rx8583/transactions/opentelemetry';
 * const tracing = traceSends(pool);
 * // ... later
 * tracing.unsubscribe();
 * ```
 */
export function traceSends(target: ObservedTarget, options: TraceSendsOptions = {}): Subscription {
  const tracer = options.tracer ?? trace.getTracer('@rx8583/transactions');
  // Open spans by request: the tap reports each request's end with the request itself.
  const open = new WeakMap<Connection, Map<Message, Span>>();
  return observeLinks(target, {
    links(link, delta) {
      if (delta > 0) open.set(link, new Map());
      else open.delete(link);
    },
    record(record, link) {
      const spans = open.get(link);
      if (spans === undefined) return;
      const { outcome } = record;
      if (outcome === 'request') {
        const request = record.message!;
        const stan = request.has(11) ? String(request.get(11)) : undefined;
        const span = tracer.startSpan(`ISO 8583 ${request.mti}`, {
          kind: SpanKind.CLIENT,
          attributes: { 'iso8583.mti': request.mti, ...(stan === undefined ? {} : { 'iso8583.stan': stan }) },
        });
        spans.set(request, span);
      } else if (outcome === 'matched' || outcome === 'timedOut' || outcome === 'failed') {
        const span = spans.get(record.request!);
        if (span === undefined) return; // sent before tracing began, or never written
        spans.delete(record.request!);
        span.setAttribute('iso8583.outcome', outcome);
        const response = outcome === 'matched' ? record.message : undefined;
        if (response?.has(39)) span.setAttribute('iso8583.response_code', String(response.get(39)));
        if (outcome !== 'matched') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        span.end();
      }
    },
  });
}
