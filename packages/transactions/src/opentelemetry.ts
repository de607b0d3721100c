/**
 * @rx8583/transactions/opentelemetry — one OpenTelemetry span per request sent on a link, through
 * `@opentelemetry/api` (an optional peer dependency: install it to use this entry).
 */
import { SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { RequestKeyFn } from '@rx8583/connection';
import type { Subscription } from 'rxjs';
import { observeLinks, type ObservedTarget } from './metrics/observe-links';

/** What `traceSends` takes. */
export interface TraceSendsOptions {
  /** The tracer spans come from. Default `trace.getTracer('@rx8583/transactions')`. */
  tracer?: Tracer;
  /** The links' correlation key, to pair requests with responses. Default `defaultRequestKey`. */
  requestKey?: RequestKeyFn;
}

/**
 * Opens a client span for each request sent on the links of `target` (a connection, a pool, a
 * server), named `ISO 8583 <MTI>`, with attributes `iso8583.mti` and `iso8583.stan`, and ends it
 * with `iso8583.outcome` (`matched`, `timedOut`, `closed`) and `iso8583.response_code`. Never card
 * data: no PAN, track, amounts or other field values. The span starts inside `send`, so it is a
 * child of the span active there. Unsubscribe to stop.
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
  return observeLinks<Span>(
    target,
    {
      start(request) {
        const stan = request.has(11) ? String(request.get(11)) : undefined;
        return tracer.startSpan(`ISO 8583 ${request.mti}`, {
          kind: SpanKind.CLIENT,
          attributes: { 'iso8583.mti': request.mti, ...(stan === undefined ? {} : { 'iso8583.stan': stan }) },
        });
      },
      end(span, outcome, response) {
        span.setAttribute('iso8583.outcome', outcome);
        if (response?.has(39)) span.setAttribute('iso8583.response_code', String(response.get(39)));
        if (outcome !== 'matched') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        span.end();
      },
    },
    options.requestKey,
  );
}
