import { FailureReason, PayloadOf } from '@app/contracts';

/** The largest value of the `int` latency column; a payment slower than ~24 days is capped, not lost. */
const MAX_LATENCY_MS = 2 ** 31 - 1;

export interface FinalFact {
  createdAt: string;
  amountPaise: number;
  status: 'SUCCEEDED' | 'FAILED';
  failureReason: FailureReason | null;
  completedAt: string;
  latencyMs: number;
}

/**
 * Initiation → final status, from the times the payments service stamped on the payment, never
 * from when this service happened to consume the event (which includes lag and redelivery).
 */
export function latencyMs(createdAt: string, completedAt: string): number {
  const elapsed = Date.parse(completedAt) - Date.parse(createdAt);
  // Both stamps come from one service, so a negative gap is clock noise, not a real duration.
  return Math.min(Math.max(elapsed, 0), MAX_LATENCY_MS);
}

export function succeededFact(payment: PayloadOf<'PaymentSucceeded'>): FinalFact {
  return {
    createdAt: payment.createdAt,
    amountPaise: payment.amountPaise,
    status: 'SUCCEEDED',
    failureReason: null,
    completedAt: payment.completedAt,
    latencyMs: latencyMs(payment.createdAt, payment.completedAt),
  };
}

export function failedFact(payment: PayloadOf<'PaymentFailed'>): FinalFact {
  return {
    createdAt: payment.createdAt,
    amountPaise: payment.amountPaise,
    status: 'FAILED',
    failureReason: payment.failureReason,
    completedAt: payment.completedAt,
    latencyMs: latencyMs(payment.createdAt, payment.completedAt),
  };
}

/** What analytics announces when a payment's fact becomes final: its status and how long it took. */
export function recordedPayload(fact: FinalFact): PayloadOf<'PaymentRecorded'> {
  return { status: fact.status, latencyMs: fact.latencyMs };
}
