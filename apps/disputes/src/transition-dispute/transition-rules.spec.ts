import { DisputeRole } from '../dispute';
import { DisputeStatus, DisputeStatuses } from '../dispute-status';
import { DisputeAction, decideTransition } from './transition-rules';

const review: DisputeAction = { type: 'REVIEW' };
const forPayer: DisputeAction = { type: 'RESOLVE', outcome: 'PAYER' };
const forPayee: DisputeAction = { type: 'RESOLVE', outcome: 'PAYEE' };
const withdraw: DisputeAction = { type: 'WITHDRAW' };

const asOperator = (action: DisputeAction, status: DisputeStatus) => decideTransition(action, status, 'OPERATOR', true);
const codeOf = (decision: ReturnType<typeof decideTransition>) => (decision.outcome === 'REFUSE' ? decision.code : decision.to);

describe('moving a dispute', () => {
  it('lets an operator review an OPEN dispute, and resolve one UNDER_REVIEW either way', () => {
    expect(asOperator(review, 'OPEN')).toEqual({ outcome: 'MOVE', from: 'OPEN', to: 'UNDER_REVIEW' });
    expect(asOperator(forPayer, 'UNDER_REVIEW')).toEqual({ outcome: 'MOVE', from: 'UNDER_REVIEW', to: 'RESOLVED_FOR_PAYER' });
    expect(asOperator(forPayee, 'UNDER_REVIEW')).toEqual({ outcome: 'MOVE', from: 'UNDER_REVIEW', to: 'RESOLVED_FOR_PAYEE' });
  });

  it('lets the payer withdraw an OPEN dispute or one UNDER_REVIEW', () => {
    expect(decideTransition(withdraw, 'OPEN', 'PAYER', false)).toEqual({ outcome: 'MOVE', from: 'OPEN', to: 'WITHDRAWN' });
    expect(decideTransition(withdraw, 'UNDER_REVIEW', 'PAYER', false)).toEqual({ outcome: 'MOVE', from: 'UNDER_REVIEW', to: 'WITHDRAWN' });
  });

  it('refuses what the diagram lacks with 409 DISPUTE.INVALID_TRANSITION, saying where the dispute is', () => {
    expect(asOperator(forPayer, 'OPEN')).toMatchObject({
      kind: 'CONFLICT',
      code: 'DISPUTE.INVALID_TRANSITION',
      details: { status: 'OPEN' },
    });
    expect(codeOf(asOperator(forPayee, 'OPEN'))).toBe('DISPUTE.INVALID_TRANSITION');
    expect(codeOf(asOperator(review, 'UNDER_REVIEW'))).toBe('DISPUTE.INVALID_TRANSITION');
    for (const status of ['RESOLVED_FOR_PAYER', 'RESOLVED_FOR_PAYEE', 'WITHDRAWN'] as const) {
      for (const action of [review, forPayer, forPayee]) expect(codeOf(asOperator(action, status))).toBe('DISPUTE.INVALID_TRANSITION');
      expect(codeOf(decideTransition(withdraw, status, 'PAYER', false))).toBe('DISPUTE.INVALID_TRANSITION');
    }
  });

  it.each<[DisputeRole, boolean]>([
    ['PAYER', false],
    ['PAYEE', false],
  ])(
    'refuses review and resolution to a %s who is not an operator with 403 AUTH.FORBIDDEN, wherever the dispute is',
    (role, isOperator) => {
      for (const status of DisputeStatuses) {
        for (const action of [review, forPayer, forPayee]) {
          expect(decideTransition(action, status, role, isOperator)).toMatchObject({ kind: 'FORBIDDEN', code: 'AUTH.FORBIDDEN' });
        }
      }
    },
  );

  it('refuses a withdrawal to the payee and to an operator with 403 DISPUTE.NOT_PAYER, wherever the dispute is', () => {
    for (const status of DisputeStatuses) {
      expect(decideTransition(withdraw, status, 'PAYEE', false)).toMatchObject({ kind: 'FORBIDDEN', code: 'DISPUTE.NOT_PAYER' });
      expect(decideTransition(withdraw, status, 'OPERATOR', true)).toMatchObject({ kind: 'FORBIDDEN', code: 'DISPUTE.NOT_PAYER' });
    }
  });

  it('lets an operator who is the payer withdraw their own dispute', () => {
    expect(decideTransition(withdraw, 'OPEN', 'PAYER', true)).toMatchObject({ outcome: 'MOVE', to: 'WITHDRAWN' });
  });
});
