import { DisputeOutcome } from '@app/contracts';
import { ErrorKind } from '@app/platform';
import { DisputeRole } from '../dispute';
import { canTransition, DisputeStatus } from '../dispute-status';

/** What someone asks of a dispute's status. */
export type DisputeAction = { type: 'REVIEW' } | { type: 'RESOLVE'; outcome: DisputeOutcome } | { type: 'WITHDRAW' };

export type TransitionDecision =
  | { outcome: 'MOVE'; from: DisputeStatus; to: DisputeStatus }
  | { outcome: 'REFUSE'; kind: ErrorKind; code: string; message: string; details?: Record<string, unknown> };

export function targetOf(action: DisputeAction): DisputeStatus {
  switch (action.type) {
    case 'REVIEW':
      return 'UNDER_REVIEW';
    case 'RESOLVE':
      return action.outcome === 'PAYER' ? 'RESOLVED_FOR_PAYER' : 'RESOLVED_FOR_PAYEE';
    case 'WITHDRAW':
      return 'WITHDRAWN';
  }
}

/**
 * Whether a caller who can see a dispute (`role`) may move it as asked, from where it is now:
 * operators review and resolve (anyone else, 403 AUTH.FORBIDDEN), its payer withdraws (the payee
 * and operators, 403 DISPUTE.NOT_PAYER); a move the diagram lacks is 409 DISPUTE.INVALID_TRANSITION.
 * Who may act is decided before where the dispute stands, so a party learns nothing of a move
 * they could never make.
 */
export function decideTransition(action: DisputeAction, status: DisputeStatus, role: DisputeRole, isOperator: boolean): TransitionDecision {
  if (action.type !== 'WITHDRAW' && !isOperator) {
    return { outcome: 'REFUSE', kind: 'FORBIDDEN', code: 'AUTH.FORBIDDEN', message: 'this needs the role operator' };
  }
  if (action.type === 'WITHDRAW' && role !== 'PAYER') {
    return { outcome: 'REFUSE', kind: 'FORBIDDEN', code: 'DISPUTE.NOT_PAYER', message: "only the payer's user may withdraw a dispute" };
  }
  const to = targetOf(action);
  if (!canTransition(status, to)) {
    return {
      outcome: 'REFUSE',
      kind: 'CONFLICT',
      code: 'DISPUTE.INVALID_TRANSITION',
      message: `the dispute is ${status}: it cannot become ${to}`,
      details: { status },
    };
  }
  return { outcome: 'MOVE', from: status, to };
}
