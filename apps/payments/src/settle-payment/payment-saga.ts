import { FailureReason, FundsRejectionReason } from '@app/contracts';
import { FraudDecision, FundsStatus, PaymentStatus, StockStatus } from '../payment';

/** What the saga knows about one payment. */
export interface SagaState {
  status: PaymentStatus;
  failureReason: FailureReason | null;
  fraudDecision: FraudDecision | null;
  stockStatus: StockStatus;
  fundsStatus: FundsStatus;
}

/** A fact reported by another service, or the payment's deadline passing (EXPIRED). */
export type SagaFact =
  | { kind: 'FRAUD_ASSESSED'; decision: FraudDecision }
  | { kind: 'STOCK_RESERVED' }
  | { kind: 'STOCK_REJECTED' }
  | { kind: 'FUNDS_RESERVED' }
  | { kind: 'FUNDS_REJECTED'; reason: FundsRejectionReason }
  | { kind: 'EXPIRED' };

/** Whether the payment has every positive answer it needs: approved, funded, and stocked when it has items. */
export function isSettled({ fraudDecision, stockStatus, fundsStatus }: Omit<SagaState, 'status' | 'failureReason'>): boolean {
  return (
    fraudDecision === 'APPROVED' &&
    (stockStatus === 'NOT_REQUIRED' || stockStatus === 'RESERVED') &&
    (fundsStatus === 'RESERVED' || fundsStatus === 'UNTRACKED')
  );
}

/** The negative outcome a fact brings, if it is one. */
function failureOf(fact: SagaFact): FailureReason | null {
  switch (fact.kind) {
    case 'FRAUD_ASSESSED':
      return fact.decision === 'REJECTED' ? 'FRAUD_REJECTED' : null;
    case 'STOCK_REJECTED':
      return 'OUT_OF_STOCK';
    case 'FUNDS_REJECTED':
      return fact.reason;
    case 'EXPIRED':
      return 'EXPIRED';
    default:
      return null;
  }
}

/**
 * Applies a fact to a payment; `null` when it changes nothing. Forward-only: a final payment never
 * changes again, and the first answer of each participant is the one that counts. The payment
 * fails at the first negative outcome, with that outcome's reason; it succeeds once fraud, the
 * ledger and (when there are items) inventory have all answered yes.
 */
export function applyFact(state: SagaState, fact: SagaFact): SagaState | null {
  if (state.status !== 'PENDING') return null;
  let { fraudDecision, stockStatus, fundsStatus } = state;
  switch (fact.kind) {
    case 'EXPIRED':
      break; // whatever is still missing, the payment fails (a later answer changes nothing)
    case 'FRAUD_ASSESSED':
      if (fraudDecision !== null) return null;
      fraudDecision = fact.decision;
      break;
    case 'STOCK_RESERVED':
    case 'STOCK_REJECTED':
      // NOT_REQUIRED: no reservation was asked for; RESERVED/REJECTED: inventory already answered.
      if (stockStatus !== 'PENDING') return null;
      stockStatus = fact.kind === 'STOCK_RESERVED' ? 'RESERVED' : 'REJECTED';
      break;
    case 'FUNDS_RESERVED':
    case 'FUNDS_REJECTED':
      // UNTRACKED: made before the ledger; RESERVED/REJECTED: the ledger already answered.
      if (fundsStatus !== 'PENDING') return null;
      fundsStatus = fact.kind === 'FUNDS_RESERVED' ? 'RESERVED' : 'REJECTED';
      break;
  }
  const known = { fraudDecision, stockStatus, fundsStatus };
  const failure = failureOf(fact);
  if (failure) return { ...known, status: 'FAILED', failureReason: failure };
  return { ...known, status: isSettled(known) ? 'SUCCEEDED' : 'PENDING', failureReason: null };
}
