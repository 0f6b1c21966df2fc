import { Caller } from '@app/auth';
import { TrackedPayment } from '../tracked-payment';
import { decideFiling, FilingFacts, FilingRequest } from './filing-rules';

const PAYER = '00000000-0000-4000-8000-00000000000a';
const PAYEE = '00000000-0000-4000-8000-00000000000b';
const OTHER = '00000000-0000-4000-8000-00000000000c';
const PAYMENT = '00000000-0000-4000-8000-000000000001';
const DAY = 86_400_000;
const WINDOW = 30 * DAY;
const COMPLETED = new Date('2026-03-01T10:00:00.000Z');
const after = (ms: number) => new Date(COMPLETED.getTime() + ms);

const user = (userId: string, isOperator = false): Caller => ({ userId, roles: isOperator ? ['operator'] : [], isOperator });
const payment = (more: Partial<TrackedPayment> = {}): TrackedPayment => ({
  id: PAYMENT,
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  payerUserId: PAYER,
  payeeUserId: PAYEE,
  amountPaise: 125_50,
  status: 'SUCCEEDED',
  createdAt: new Date(COMPLETED.getTime() - 2000),
  completedAt: COMPLETED,
  ...more,
});
const facts = (more: Partial<FilingFacts> = {}): FilingFacts => ({ payment: payment(), refundedPaise: 0, hasOpenDispute: false, ...more });
const request = (more: Partial<FilingRequest> = {}): FilingRequest => ({
  paymentId: PAYMENT,
  caller: user(PAYER),
  now: after(DAY),
  windowMs: WINDOW,
  ...more,
});
const refusal = (decision: ReturnType<typeof decideFiling>) =>
  decision.outcome === 'REFUSE' ? { kind: decision.kind, code: decision.code } : { outcome: decision.outcome };

describe('who may dispute a payment', () => {
  it("files the payer's dispute", () => {
    expect(decideFiling(facts(), request())).toEqual({ outcome: 'FILE', payment: payment(), amountPaise: 125_50 });
  });

  it('answers 404, exactly as for an unknown payment, to a user who is not a party', () => {
    expect(refusal(decideFiling(facts(), request({ caller: user(OTHER) })))).toEqual({ kind: 'NOT_FOUND', code: 'PAYMENT.NOT_FOUND' });
    expect(refusal(decideFiling(facts({ payment: null }), request()))).toEqual({ kind: 'NOT_FOUND', code: 'PAYMENT.NOT_FOUND' });
    expect(refusal(decideFiling(facts({ payment: null }), request({ caller: user(OTHER, true) })))).toEqual({
      kind: 'NOT_FOUND',
      code: 'PAYMENT.NOT_FOUND',
    });
  });

  it('answers 404 to a user before anything else about the payment: its status is not told', () => {
    const failed = facts({ payment: payment({ status: 'FAILED' }), hasOpenDispute: true });
    expect(refusal(decideFiling(failed, request({ caller: user(OTHER) })))).toEqual({ kind: 'NOT_FOUND', code: 'PAYMENT.NOT_FOUND' });
  });

  it('refuses the payee and an operator, who can see the payment, with 403 DISPUTE.NOT_PAYER', () => {
    expect(refusal(decideFiling(facts(), request({ caller: user(PAYEE) })))).toEqual({ kind: 'FORBIDDEN', code: 'DISPUTE.NOT_PAYER' });
    expect(refusal(decideFiling(facts(), request({ caller: user(OTHER, true) })))).toEqual({
      kind: 'FORBIDDEN',
      code: 'DISPUTE.NOT_PAYER',
    });
  });

  it('lets nobody dispute a payment made before identities existed; operators still see it (403), users do not (404)', () => {
    const old = facts({ payment: payment({ payerUserId: null, payeeUserId: null }) });
    expect(refusal(decideFiling(old, request({ caller: user(OTHER, true) })))).toEqual({ kind: 'FORBIDDEN', code: 'DISPUTE.NOT_PAYER' });
    expect(refusal(decideFiling(old, request({ caller: user(PAYER) })))).toEqual({ kind: 'NOT_FOUND', code: 'PAYMENT.NOT_FOUND' });
  });
});

describe('which payments can be disputed', () => {
  it.each(['PENDING', 'FAILED'] as const)('refuses a %s payment with 422 PAYMENT.NOT_SUCCEEDED', (status) => {
    const completedAt = status === 'PENDING' ? null : COMPLETED;
    expect(refusal(decideFiling(facts({ payment: payment({ status, completedAt }) }), request()))).toEqual({
      kind: 'UNPROCESSABLE',
      code: 'PAYMENT.NOT_SUCCEEDED',
    });
  });

  it('refuses a second dispute while one is not final with 409 DISPUTE.ALREADY_OPEN', () => {
    expect(refusal(decideFiling(facts({ hasOpenDispute: true }), request()))).toEqual({ kind: 'CONFLICT', code: 'DISPUTE.ALREADY_OPEN' });
  });

  it('accepts a dispute up to the window after completion, and refuses it 422 DISPUTE.WINDOW_CLOSED after', () => {
    expect(decideFiling(facts(), request({ now: after(0) })).outcome).toBe('FILE');
    expect(decideFiling(facts(), request({ now: after(WINDOW) })).outcome).toBe('FILE');
    expect(refusal(decideFiling(facts(), request({ now: after(WINDOW + 1) })))).toEqual({
      kind: 'UNPROCESSABLE',
      code: 'DISPUTE.WINDOW_CLOSED',
    });
    expect(decideFiling(facts(), request({ now: after(8 * DAY), windowMs: 7 * DAY })).outcome).toBe('REFUSE');
  });
});

describe('the disputed amount', () => {
  it('is by default what is not yet refunded', () => {
    expect(decideFiling(facts({ refundedPaise: 25_50 }), request())).toMatchObject({ outcome: 'FILE', amountPaise: 100_00 });
  });

  it('may be any part of what is not yet refunded, down to one paisa', () => {
    expect(decideFiling(facts({ refundedPaise: 25_50 }), request({ amountPaise: 100_00 }))).toMatchObject({ amountPaise: 100_00 });
    expect(decideFiling(facts(), request({ amountPaise: 1 }))).toMatchObject({ amountPaise: 1 });
  });

  it('may not pass what is not yet refunded: 422 DISPUTE.EXCEEDS_REFUNDABLE naming what is', () => {
    const decision = decideFiling(facts({ refundedPaise: 25_50 }), request({ amountPaise: 100_01 }));
    expect(decision).toMatchObject({
      outcome: 'REFUSE',
      kind: 'UNPROCESSABLE',
      code: 'DISPUTE.EXCEEDS_REFUNDABLE',
      details: { refundable: '100.00' },
    });
    expect(refusal(decideFiling(facts(), request({ amountPaise: 125_51 })))).toMatchObject({ code: 'DISPUTE.EXCEEDS_REFUNDABLE' });
  });

  it('cannot be had of a payment refunded in full, by default or not', () => {
    const refunded = facts({ refundedPaise: 125_50 });
    expect(decideFiling(refunded, request())).toMatchObject({ code: 'DISPUTE.EXCEEDS_REFUNDABLE', details: { refundable: '0.00' } });
    expect(refusal(decideFiling(refunded, request({ amountPaise: 1 })))).toMatchObject({ code: 'DISPUTE.EXCEEDS_REFUNDABLE' });
  });
});
