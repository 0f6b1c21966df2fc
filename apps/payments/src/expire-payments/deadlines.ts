import { DeadlineSettings } from '../config';
import { Payment } from '../payment';

/**
 * EXPIRE: not final within the payment timeout, so it fails EXPIRED.
 * FAIL_OPEN: no fraud assessment within the fraud timeout and FRAUD_FAILURE_MODE=open, so it is
 * approved without one and the saga goes on (a payment with items still waits for its stock).
 */
export type DeadlineAction = 'EXPIRE' | 'FAIL_OPEN';

export type DeadlinePolicy = Pick<DeadlineSettings, 'paymentTimeoutMs' | 'fraudFailureMode' | 'fraudTimeoutMs'>;

/**
 * What a payment is owed at `now` (the database clock, the one every instance shares). A deadline
 * is passed once the payment is strictly older than the timeout. Expiry wins over fail-open: a
 * payment past both (say, after an outage of the payments service) is not approved blind.
 */
export function deadlineAction(
  payment: Pick<Payment, 'status' | 'createdAt' | 'fraud'>,
  now: Date,
  policy: DeadlinePolicy,
): DeadlineAction | null {
  if (payment.status !== 'PENDING') return null;
  const ageMs = now.getTime() - payment.createdAt.getTime();
  if (ageMs > policy.paymentTimeoutMs) return 'EXPIRE';
  if (policy.fraudFailureMode === 'open' && payment.fraud === null && ageMs > policy.fraudTimeoutMs) return 'FAIL_OPEN';
  return null;
}

/**
 * The age below which no PENDING payment is owed anything: the sweeper only looks at older ones.
 * (The config guarantees the fraud timeout is the shorter one when it is used.)
 */
export function sweepHorizonMs(policy: DeadlinePolicy): number {
  return policy.fraudFailureMode === 'open' ? Math.min(policy.fraudTimeoutMs, policy.paymentTimeoutMs) : policy.paymentTimeoutMs;
}
