import { Attributes, context, Context, trace } from '@opentelemetry/api';
import { AnyDomainEvent } from '@app/contracts';

/**
 * The consumer span of each event being applied. A handler of a whole chunk (`@EventPattern(types, { batch: true })`) runs
 * outside any one event's span, so what it says about an event, and what it publishes because of
 * one, is attached to that event's span through these.
 */
const contexts = new WeakMap<AnyDomainEvent, Context>();

/** Called by the consumer when it starts an event's span, and by a request handler for the event it makes. */
export function bindEventContext(event: AnyDomainEvent, spanContext: Context): void {
  contexts.set(event, spanContext);
}

/** The context in which `event` is being applied, if a consumer is applying it. */
export function eventContext(event: AnyDomainEvent): Context | undefined {
  return contexts.get(event);
}

/** Adds business meaning to the span of the event being applied (`annotate`, for one event of a batch). */
export function annotateEvent(event: AnyDomainEvent, attributes: Attributes): void {
  const spanContext = contexts.get(event);
  if (spanContext) trace.getSpan(spanContext)?.setAttributes(attributes);
}

/** Runs `work` in the span of `event` (for a batch handler that applies its events one by one). */
export function withinEvent<T>(event: AnyDomainEvent, work: () => Promise<T>): Promise<T> {
  return context.with(contexts.get(event) ?? context.active(), work);
}
