import { Caller } from '@app/auth';
import { isDisputeId, outcomeOf, roleOf } from './dispute';

const PAYER = '00000000-0000-4000-8000-00000000000a';
const PAYEE = '00000000-0000-4000-8000-00000000000b';
const OTHER = '00000000-0000-4000-8000-00000000000c';
const caller = (userId: string, isOperator = false): Caller => ({ userId, roles: isOperator ? ['operator'] : [], isOperator });

describe('whom a caller is on a dispute', () => {
  const dispute = { payerUserId: PAYER, payeeUserId: PAYEE };

  it('is the payer, the payee, an operator, or nobody', () => {
    expect(roleOf(dispute, caller(PAYER))).toBe('PAYER');
    expect(roleOf(dispute, caller(PAYEE))).toBe('PAYEE');
    expect(roleOf(dispute, caller(OTHER, true))).toBe('OPERATOR');
    expect(roleOf(dispute, caller(OTHER))).toBeNull();
  });

  it('is the party before the operator, and the payer for a user who paid a VPA of their own', () => {
    expect(roleOf(dispute, caller(PAYEE, true))).toBe('PAYEE');
    expect(roleOf({ payerUserId: PAYER, payeeUserId: PAYER }, caller(PAYER))).toBe('PAYER');
  });

  it('is nobody for a user when the payee had no user', () => {
    expect(roleOf({ payerUserId: PAYER, payeeUserId: null }, caller(OTHER))).toBeNull();
  });
});

describe('dispute ids and outcomes', () => {
  it('takes only a UUID for an id', () => {
    expect(isDisputeId(PAYER)).toBe(true);
    expect(isDisputeId('not-an-id')).toBe(false);
    expect(isDisputeId(`${PAYER}x`)).toBe(false);
  });

  it('reads the outcome from the status', () => {
    expect(outcomeOf('RESOLVED_FOR_PAYER')).toBe('PAYER');
    expect(outcomeOf('RESOLVED_FOR_PAYEE')).toBe('PAYEE');
    expect(outcomeOf('WITHDRAWN')).toBeNull();
    expect(outcomeOf('OPEN')).toBeNull();
  });
});
