import { AnyDomainEvent, EventCatalog, EventType, subjectIdOf } from '@app/contracts';

/**
 * The span attribute that names what a message is about: `payment.id` for a payment's events,
 * `user.id` for the users service's (an opaque id: never a phone number or a name).
 */
export function subjectAttribute(of: AnyDomainEvent | { type: string; id: string }): Record<string, string> {
  const id = 'id' in of ? of.id : subjectIdOf(of);
  const subject = of.type in EventCatalog ? EventCatalog[of.type as EventType].subject : 'payment';
  return subject === 'user' ? { 'user.id': id } : { 'payment.id': id };
}
