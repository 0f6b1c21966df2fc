import { DomainEvent } from './envelope';

/** The users service's events that say who holds which VPA (payments' holders, the ledger's accounts). */
export type VpaEventType = 'VpaLinked' | 'VpaUnlinked' | 'UserDeregistered';
export type VpaEvent = { [T in VpaEventType]: DomainEvent<T> }[VpaEventType];

/**
 * One fact about a VPA: at `at`, `userId` linked it (`linked`) or it stopped being theirs. `at` is
 * the users service's time (linkedAt, unlinkedAt, deregisteredAt) in milliseconds.
 */
export interface VpaFact {
  vpa: string;
  userId: string;
  linked: boolean;
  at: number;
}

/** A user de-registered at `at`: whatever VPA of theirs this service still has as linked is not any more. */
export interface Deregistration {
  userId: string;
  at: number;
}

export function factsOf(event: VpaEvent): VpaFact[] {
  switch (event.type) {
    case 'VpaLinked':
      return [{ vpa: event.payload.vpa.toLowerCase(), userId: event.userId, linked: true, at: Date.parse(event.payload.linkedAt) }];
    case 'VpaUnlinked':
      return [{ vpa: event.payload.vpa.toLowerCase(), userId: event.userId, linked: false, at: Date.parse(event.payload.unlinkedAt) }];
    case 'UserDeregistered': {
      const at = Date.parse(event.payload.deregisteredAt);
      return event.payload.vpas.map((vpa) => ({ vpa: vpa.toLowerCase(), userId: event.userId, linked: false, at }));
    }
  }
}

export function deregistrationsOf(events: VpaEvent[]): Deregistration[] {
  return events.flatMap((event) =>
    event.type === 'UserDeregistered' ? [{ userId: event.userId, at: Date.parse(event.payload.deregisteredAt) }] : [],
  );
}

/**
 * Whether `next` is newer than `current`, the rule that makes the projection the same whatever
 * order the facts arrive in (events of different users travel on different partitions): the later
 * time wins. At the same millisecond, the users service can only have done one user's link then
 * unlink (the unlink wins), or one user's unlink then another's link (the link wins: a VPA is held
 * by one user at a time, so an unlink cannot follow another user's link). Anything else at the same
 * time is the same fact again. Payments' `VpaHoldersRepository.record` and the ledger's accounts apply the same rule in SQL.
 */
export function supersedes(next: VpaFact, current: VpaFact): boolean {
  if (next.at !== current.at) return next.at > current.at;
  if (next.linked === current.linked) return false;
  return next.userId === current.userId ? !next.linked : next.linked;
}

/** The newest fact about each VPA among these: what a chunk of events leaves behind, one row per VPA. */
export function latestPerVpa(facts: VpaFact[]): VpaFact[] {
  const latest = new Map<string, VpaFact>();
  for (const fact of facts) {
    const current = latest.get(fact.vpa);
    if (!current || supersedes(fact, current)) latest.set(fact.vpa, fact);
  }
  return [...latest.values()];
}
