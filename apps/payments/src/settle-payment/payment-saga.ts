import { FailureReason } from '@app/contracts';
import { FraudDecision, PaymentStatus, StockStatus } from '../payment';

/** What the saga knows about one payment. */
export interface SagaState {
  status: PaymentStatus;
  failureReason: FailureReason | null;
  fraudDecision: FraudDecision | null;
  stockStatus: StockStatus;
}

/** A fact reported by another service, or the payment's deadline passing (EXPIRED). */
export type SagaFact =
  { kind: 'FRAUD_ASSESSED'; decision: FraudDecision } | { kind: 'STOCK_RESERVED' } | { kind: 'STOCK_REJECTED' } | { kind: 'EXPIRED' };

/**
 * The status the known facts lead to. Any rejection fails the payment at once; success needs an
 * approval and, when there are items, their reservation. Otherwise the payment keeps waiting.
 */
export function decideStatus(fraudDecision: FraudDecision | null, stockStatus: StockStatus): Pick<SagaState, 'status' | 'failureReason'> {
  if (fraudDecision === 'REJECTED') return { status: 'FAILED', failureReason: 'FRAUD_REJECTED' };
  if (stockStatus === 'REJECTED') return { status: 'FAILED', failureReason: 'OUT_OF_STOCK' };
  if (fraudDecision === 'APPROVED' && (stockStatus === 'NOT_REQUIRED' || stockStatus === 'RESERVED')) {
    return { status: 'SUCCEEDED', failureReason: null };
  }
  return { status: 'PENDING', failureReason: null };
}

/**
 * Applies a fact to a payment; `null` when it changes nothing. Forward-only: a final payment never
 * changes again, and the first answer of each participant is the one that counts (whichever
 * rejection arrives first decides the failure reason).
 */
export function applyFact(state: SagaState, fact: SagaFact): SagaState | null {
  if (state.status !== 'PENDING') return null;
  // Not final in time: whatever is still missing, the payment fails (a later answer changes nothing).
  if (fact.kind === 'EXPIRED') return { ...state, status: 'FAILED', failureReason: 'EXPIRED' };
  let { fraudDecision, stockStatus } = state;
  if (fact.kind === 'FRAUD_ASSESSED') {
    if (fraudDecision !== null) return null;
    fraudDecision = fact.decision;
  } else {
    // NOT_REQUIRED: no reservation was asked for; RESERVED/REJECTED: inventory already answered.
    if (stockStatus !== 'PENDING') return null;
    stockStatus = fact.kind === 'STOCK_RESERVED' ? 'RESERVED' : 'REJECTED';
  }
  return { fraudDecision, stockStatus, ...decideStatus(fraudDecision, stockStatus) };
}
