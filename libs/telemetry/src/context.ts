import { inspect } from 'node:util';
import {
  Attributes,
  context,
  Context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

export const tracer = trace.getTracer('payments-platform');

/** Adds business meaning (payment id, decision, outcome) to the span being worked on. */
export function annotate(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** The current trace and span ids, for logs and responses; undefined outside a trace. */
export function currentTraceIds(): { traceId: string; spanId: string; sampled: boolean } | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId, sampled: (spanContext.traceFlags & 1) === 1 };
}

/** The current context as W3C headers (`traceparent`, `tracestate`), to store or send along. */
export function currentTraceHeaders(from: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(from, headers);
  return headers;
}

/** The context carried by message headers (a root context when they carry none). */
export function contextFromHeaders(headers: Record<string, string | undefined>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Starts a span under a given parent context and returns the context in which it is active. */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent: Context): [Span, Context] {
  const span = tracer.startSpan(name, { kind, attributes }, parent);
  return [span, trace.setSpan(parent, span)];
}

/** Ends a span, marking it failed when an error is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    const failure = error instanceof Error ? error : new Error(inspect(error));
    span.recordException(failure);
    span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  }
  span.end();
}

export { context, SpanKind };
export type { Span };

/**
 * Links the active span to the trace a W3C `traceparent` names (a refund's trace to its payment's):
 * the trace viewer leads from one to the other. Nothing without a span or a traceparent.
 */
export function linkToTrace(traceparent: string | null | undefined, attributes: Attributes = {}): void {
  if (!traceparent) return;
  const linked = trace.getSpanContext(contextFromHeaders({ traceparent }));
  if (linked && isSpanContextValid(linked)) trace.getActiveSpan()?.addLink({ context: linked, attributes });
}
