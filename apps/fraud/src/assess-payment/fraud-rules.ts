import { FraudReason, FraudReasons, normalizeVpa } from '@app/contracts';
import { FraudSettings } from '../config';

export type FraudDecision = 'APPROVED' | 'REJECTED';

export interface Verdict {
  decision: FraudDecision;
  score: number;
  reasons: FraudReason[];
}

/** What the rules need to know about one payment, gathered under the payer's lock. */
export interface PaymentFacts {
  payerVpa: string;
  payeeVpa: string;
  amountPaise: number;
  /** This payer's other payments already assessed whose createdAt lies within the velocity window. */
  recentPayments: number;
  /** Whether this payer has ever paid this payee successfully. */
  knownPayee: boolean;
}

// How much each rule adds to the score; a blocklisted party alone is the maximum.
const WEIGHTS: Record<FraudReason, number> = { BLOCKLISTED: 100, VELOCITY: 70, HIGH_AMOUNT_NEW_PAYEE: 60 };

export function isBlocklisted(facts: Pick<PaymentFacts, 'payerVpa' | 'payeeVpa'>, blockedVpas: readonly string[]): boolean {
  return [facts.payerVpa, facts.payeeVpa].some((vpa) => blockedVpas.includes(normalizeVpa(vpa)));
}

/** With limit L, the first L payments of a window pass and every one beyond them is rejected. */
export function exceedsVelocity(recentPayments: number, limit: number): boolean {
  return recentPayments >= limit;
}

export function isHighAmountToNewPayee(facts: Pick<PaymentFacts, 'amountPaise' | 'knownPayee'>, highAmountPaise: number): boolean {
  return facts.amountPaise >= highAmountPaise && !facts.knownPayee;
}

/**
 * The window of payments a payment is counted against, from its own createdAt (not the clock, so
 * a replay decides the same). It reaches both ways: payments of one payer arrive on different
 * partitions in any order, and one created a moment later but assessed first must still count,
 * or N simultaneous payments could all see fewer than the limit.
 */
export function velocityWindow(createdAt: string, windowSeconds: number): { after: Date; before: Date } {
  const at = Date.parse(createdAt);
  return { after: new Date(at - windowSeconds * 1000), before: new Date(at + windowSeconds * 1000) };
}

/** Rejected when any rule fires; reasons in the catalogue's order; score a capped weighted sum. */
export function assess(facts: PaymentFacts, settings: FraudSettings): Verdict {
  const fired: Record<FraudReason, boolean> = {
    BLOCKLISTED: isBlocklisted(facts, settings.blockedVpas),
    VELOCITY: exceedsVelocity(facts.recentPayments, settings.velocityLimit),
    HIGH_AMOUNT_NEW_PAYEE: isHighAmountToNewPayee(facts, settings.highAmountPaise),
  };
  const reasons = FraudReasons.filter((reason) => fired[reason]);
  const score = Math.min(
    100,
    reasons.reduce((sum, reason) => sum + WEIGHTS[reason], 0),
  );
  return { decision: reasons.length > 0 ? 'REJECTED' : 'APPROVED', score, reasons };
}
