import { AccountBalances } from '../account';
import { Hold } from '../hold';
import { foldFunds, FundsState, TransferFact, rejectionOf, spendKey } from './funds-fold';

const LIMIT = 100_000_00;
const P1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';
const NOON = new Date('2026-03-02T06:30:00Z'); // 12:00 IST on 2 March

const account = (vpa: string, credits = 0, more: Partial<AccountBalances> = {}): AccountBalances => ({
  vpa,
  status: 'OPEN',
  creditsPosted: credits,
  debitsPosted: 0,
  debitsPending: 0,
  ...more,
});
const fact = (type: TransferFact['type'], paymentId = P1, amountPaise = 100_00, createdAt = NOON): TransferFact => ({
  type,
  holdId: paymentId,
  paymentId,
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise,
  createdAt,
});
const stateOf = (accounts: AccountBalances[], holds: Hold[] = [], spend: Array<[string, number]> = []): FundsState => ({
  accounts: new Map(accounts.map((a) => [a.vpa, a])),
  holds: new Map(holds.map((h) => [h.id, h])),
  spend: new Map(spend),
});
const funded = (alice = 1000_00) => stateOf([account('alice@okbank', alice), account('bob@okbank')]);
const hold = (status: Hold['status'], amountPaise = 100_00): Hold => ({
  id: P1,
  kind: 'PAYMENT',
  paymentId: P1,
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise,
  day: '2026-03-02',
  status,
  reason: null,
});

describe('holding a payment amount', () => {
  it('holds the amount on the payer: pending debit, counted in the day, a PENDING hold', () => {
    const { state, decisions } = foldFunds(funded(), [fact('PaymentInitiated')], LIMIT);
    expect(decisions).toEqual([{ outcome: 'RESERVED', hold: hold('PENDING') }]);
    expect(state.accounts.get('alice@okbank')).toMatchObject({ creditsPosted: 1000_00, debitsPending: 100_00, debitsPosted: 0 });
    expect(state.spend.get(spendKey('alice@okbank', '2026-03-02'))).toBe(100_00);
  });

  it('does not change the state it was given', () => {
    const start = funded();
    foldFunds(start, [fact('PaymentInitiated')], LIMIT);
    expect(start).toEqual(funded());
  });

  it.each<[string, FundsState, number]>([
    ['payer unknown', stateOf([account('bob@okbank')]), 1],
    ['payee unknown', stateOf([account('alice@okbank', 1000_00)]), 1],
    ['payer closed', stateOf([account('alice@okbank', 1000_00, { status: 'CLOSED' }), account('bob@okbank')]), 1],
    ['payee closed (before funds are even checked)', stateOf([account('alice@okbank'), account('bob@okbank', 0, { status: 'CLOSED' })]), 1],
  ])('rejects ACCOUNT_CLOSED: %s', (_name, start) => {
    const { state, decisions } = foldFunds(start, [fact('PaymentInitiated')], LIMIT);
    expect(decisions).toEqual([{ outcome: 'REJECTED', hold: { ...hold('REJECTED'), reason: 'ACCOUNT_CLOSED' } }]);
    expect(state.accounts).toEqual(start.accounts);
    expect(state.spend.size).toBe(0);
  });

  it('rejects INSUFFICIENT_FUNDS beyond available (balance − held), and takes exactly what is available', () => {
    const start = stateOf([account('alice@okbank', 150_00, { debitsPosted: 20_00, debitsPending: 30_00 }), account('bob@okbank')]);
    expect(foldFunds(start, [fact('PaymentInitiated', P1, 100_01)], LIMIT).decisions[0]).toMatchObject({
      outcome: 'REJECTED',
      hold: { reason: 'INSUFFICIENT_FUNDS' },
    });
    expect(foldFunds(start, [fact('PaymentInitiated', P1, 100_00)], LIMIT).decisions[0].outcome).toBe('RESERVED');
  });

  it('rejects DAILY_LIMIT_EXCEEDED when the day would pass the limit, and allows reaching it exactly', () => {
    const start = stateOf(
      [account('alice@okbank', 10_000_00), account('bob@okbank')],
      [],
      [[spendKey('alice@okbank', '2026-03-02'), 900_00]],
    );
    expect(foldFunds(start, [fact('PaymentInitiated', P1, 100_01)], 1000_00).decisions[0]).toMatchObject({
      outcome: 'REJECTED',
      hold: { reason: 'DAILY_LIMIT_EXCEEDED' },
    });
    expect(foldFunds(start, [fact('PaymentInitiated', P1, 100_00)], 1000_00).decisions[0].outcome).toBe('RESERVED');
  });

  it('counts the limit per India day: a payment just after midnight IST starts a new day', () => {
    const before = new Date('2026-03-02T18:29:59.999Z'); // 23:59:59.999 IST on the 2nd
    const after = new Date('2026-03-02T18:30:00.000Z'); // 00:00 IST on the 3rd
    const start = stateOf([account('alice@okbank', 10_000_00), account('bob@okbank')]);
    const { decisions, state } = foldFunds(
      start,
      [fact('PaymentInitiated', P1, 600_00, before), fact('PaymentInitiated', P2, 600_00, after)],
      1000_00,
    );
    expect(decisions.map((d) => d.outcome)).toEqual(['RESERVED', 'RESERVED']);
    expect(state.spend.get(spendKey('alice@okbank', '2026-03-02'))).toBe(600_00);
    expect(state.spend.get(spendKey('alice@okbank', '2026-03-03'))).toBe(600_00);
    const sameDay = foldFunds(start, [fact('PaymentInitiated', P1, 600_00, after), fact('PaymentInitiated', P2, 600_00, after)], 1000_00);
    expect(sameDay.decisions.map((d) => ('hold' in d ? d.hold.reason : null))).toEqual([null, 'DAILY_LIMIT_EXCEEDED']);
  });

  it('checks in order: closed, then funds, then the limit', () => {
    const closed = account('alice@okbank', 0, { status: 'CLOSED' });
    expect(rejectionOf(closed, account('bob@okbank'), 1, LIMIT, LIMIT)).toBe('ACCOUNT_CLOSED');
    expect(rejectionOf(account('alice@okbank'), account('bob@okbank'), 1, LIMIT, LIMIT)).toBe('INSUFFICIENT_FUNDS');
    expect(rejectionOf(account('alice@okbank', 5), account('bob@okbank'), 1, LIMIT, LIMIT)).toBe('DAILY_LIMIT_EXCEEDED');
  });

  it('decides payments from one account in a chunk one after the other', () => {
    const facts = Array.from({ length: 5 }, (_, i) => fact('PaymentInitiated', `00000000-0000-4000-8000-00000000001${i}`, 40_00));
    const { decisions, state } = foldFunds(funded(100_00), facts, LIMIT);
    expect(decisions.map((d) => d.outcome)).toEqual(['RESERVED', 'RESERVED', 'REJECTED', 'REJECTED', 'REJECTED']);
    expect(state.accounts.get('alice@okbank')!.debitsPending).toBe(80_00);
  });
});

describe('settling a hold', () => {
  const held = () => foldFunds(funded(), [fact('PaymentInitiated')], LIMIT).state;

  it('posts a pending hold: payer debited, payee credited, two entries of the amount, the day unchanged', () => {
    const { state, decisions } = foldFunds(held(), [fact('PaymentSucceeded')], LIMIT);
    expect(decisions).toEqual([
      {
        outcome: 'POSTED',
        hold: hold('POSTED'),
        entries: [
          {
            vpa: 'alice@okbank',
            kind: 'PAYMENT_DEBIT',
            amountPaise: 100_00,
            balanceAfter: 900_00,
            paymentId: P1,
            reference: null,
            transferId: P1,
          },
          {
            vpa: 'bob@okbank',
            kind: 'PAYMENT_CREDIT',
            amountPaise: 100_00,
            balanceAfter: 100_00,
            paymentId: P1,
            reference: null,
            transferId: P1,
          },
        ],
      },
    ]);
    expect(state.accounts.get('alice@okbank')).toMatchObject({ creditsPosted: 1000_00, debitsPosted: 100_00, debitsPending: 0 });
    expect(state.accounts.get('bob@okbank')).toMatchObject({ creditsPosted: 100_00 });
    expect(state.spend.get(spendKey('alice@okbank', '2026-03-02'))).toBe(100_00);
  });

  it('posts also when both accounts were closed after the hold', () => {
    const start = held();
    const closed = stateOf(
      [...start.accounts.values()].map((a) => ({ ...a, status: 'CLOSED' as const })),
      [...start.holds.values()],
    );
    expect(foldFunds(closed, [fact('PaymentSucceeded')], LIMIT).decisions[0].outcome).toBe('POSTED');
  });

  it('voids a pending hold: available again, no longer counted in the day', () => {
    const { state, decisions } = foldFunds(held(), [fact('PaymentFailed')], LIMIT);
    expect(decisions).toEqual([{ outcome: 'VOIDED', hold: hold('VOIDED') }]);
    expect(state.accounts.get('alice@okbank')).toMatchObject({ debitsPending: 0, debitsPosted: 0, creditsPosted: 1000_00 });
    expect(state.spend.get(spendKey('alice@okbank', '2026-03-02'))).toBe(0);
  });

  it('changes nothing on a redelivery of any event', () => {
    const reserved = foldFunds(funded(), [fact('PaymentInitiated'), fact('PaymentInitiated')], LIMIT);
    expect(reserved.decisions[1].outcome).toBe('UNCHANGED');
    const posted = foldFunds(held(), [fact('PaymentSucceeded'), fact('PaymentSucceeded'), fact('PaymentInitiated')], LIMIT);
    expect(posted.decisions.map((d) => d.outcome)).toEqual(['POSTED', 'UNCHANGED', 'UNCHANGED']);
    const voided = foldFunds(held(), [fact('PaymentFailed'), fact('PaymentFailed'), fact('PaymentInitiated')], LIMIT);
    expect(voided.decisions.map((d) => d.outcome)).toEqual(['VOIDED', 'UNCHANGED', 'UNCHANGED']);
    expect(voided.state.accounts.get('alice@okbank')!.debitsPending).toBe(0);
  });

  it('changes nothing when a rejected payment fails', () => {
    const rejected = foldFunds(funded(0), [fact('PaymentInitiated'), fact('PaymentFailed')], LIMIT);
    expect(rejected.decisions.map((d) => d.outcome)).toEqual(['REJECTED', 'UNCHANGED']);
  });

  it('marks a failure that arrives before its initiation, so that the initiation holds nothing', () => {
    const { state, decisions } = foldFunds(funded(), [fact('PaymentFailed'), fact('PaymentInitiated')], LIMIT);
    expect(decisions).toEqual([
      { outcome: 'MARKED_VOID', hold: hold('VOIDED') },
      { outcome: 'UNCHANGED', why: 'a VOIDED hold exists already' },
    ]);
    expect(state.accounts).toEqual(funded().accounts);
  });

  it.each<[string, Hold[], TransferFact[]]>([
    ['no hold at all', [], [fact('PaymentSucceeded')]],
    ['a rejected hold', [{ ...hold('REJECTED'), reason: 'INSUFFICIENT_FUNDS' }], [fact('PaymentSucceeded')]],
    ['a voided hold', [hold('VOIDED')], [fact('PaymentSucceeded')]],
  ])('calls a success with %s a contradiction', (_name, holds, facts) => {
    const start = stateOf([...funded().accounts.values()], holds);
    expect(foldFunds(start, facts, LIMIT).decisions[0].outcome).toBe('CONTRADICTION');
  });
});

describe('refunds: transfers back from the payee to the payer', () => {
  const R1 = '00000000-0000-4000-8000-0000000000a1';
  const R2 = '00000000-0000-4000-8000-0000000000a2';
  // A refund of P1 (alice paid bob): money goes from bob back to alice.
  const refund = (type: 'RefundRequested' | 'RefundSucceeded' | 'RefundFailed', refundId = R1, amountPaise = 40_00): TransferFact => ({
    type,
    holdId: refundId,
    paymentId: P1,
    payerVpa: 'bob@okbank',
    payeeVpa: 'alice@okbank',
    amountPaise,
    createdAt: NOON,
  });
  const paid = (bob = 100_00) => stateOf([account('alice@okbank', 1000_00, { debitsPosted: 100_00 }), account('bob@okbank', bob)]);

  it("holds the refund on the payee's account, and not against any daily limit", () => {
    const { state, decisions } = foldFunds(paid(), [refund('RefundRequested')], 1);
    expect(decisions).toEqual([
      {
        outcome: 'RESERVED',
        hold: {
          id: R1,
          kind: 'REFUND',
          paymentId: P1,
          payerVpa: 'bob@okbank',
          payeeVpa: 'alice@okbank',
          amountPaise: 40_00,
          day: '2026-03-02',
          status: 'PENDING',
          reason: null,
        },
      },
    ]);
    expect(state.accounts.get('bob@okbank')).toMatchObject({ debitsPending: 40_00 });
    expect(state.spend.size).toBe(0);
  });

  it('posts it as REFUND_DEBIT on the payee and REFUND_CREDIT on the payer, the refund being the transfer', () => {
    const held = foldFunds(paid(), [refund('RefundRequested')], LIMIT).state;
    const { state, decisions } = foldFunds(held, [refund('RefundSucceeded')], LIMIT);
    expect(decisions[0]).toMatchObject({
      outcome: 'POSTED',
      entries: [
        { vpa: 'bob@okbank', kind: 'REFUND_DEBIT', amountPaise: 40_00, balanceAfter: 60_00, paymentId: P1, transferId: R1 },
        { vpa: 'alice@okbank', kind: 'REFUND_CREDIT', amountPaise: 40_00, balanceAfter: 940_00, paymentId: P1, transferId: R1 },
      ],
    });
    expect(state.accounts.get('bob@okbank')).toMatchObject({ debitsPending: 0, debitsPosted: 40_00 });
  });

  it("refuses a refund larger than the payee's available balance: INSUFFICIENT_FUNDS, nothing held", () => {
    const { state, decisions } = foldFunds(paid(30_00), [refund('RefundRequested')], LIMIT);
    expect(decisions[0]).toMatchObject({ outcome: 'REJECTED', hold: { status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' } });
    expect(state.accounts.get('bob@okbank')).toMatchObject({ debitsPending: 0 });
    expect(foldFunds(state, [refund('RefundFailed')], LIMIT).decisions[0].outcome).toBe('UNCHANGED');
  });

  it('refuses a refund to or from a closed account: ACCOUNT_CLOSED', () => {
    const closed = stateOf([account('alice@okbank', 0, { status: 'CLOSED' }), account('bob@okbank', 100_00)]);
    expect(foldFunds(closed, [refund('RefundRequested')], LIMIT).decisions[0]).toMatchObject({ hold: { reason: 'ACCOUNT_CLOSED' } });
  });

  it('holds two refunds of one payment separately, each posted once, whatever is redelivered', () => {
    const { state, decisions } = foldFunds(
      paid(),
      [
        refund('RefundRequested', R1, 40_00),
        refund('RefundRequested', R2, 60_00),
        refund('RefundRequested', R1, 40_00),
        refund('RefundSucceeded', R2, 60_00),
        refund('RefundSucceeded', R1, 40_00),
        refund('RefundSucceeded', R2, 60_00),
      ],
      LIMIT,
    );
    expect(decisions.map((d) => d.outcome)).toEqual(['RESERVED', 'RESERVED', 'UNCHANGED', 'POSTED', 'POSTED', 'UNCHANGED']);
    expect(state.accounts.get('bob@okbank')).toMatchObject({ creditsPosted: 100_00, debitsPosted: 100_00, debitsPending: 0 });
    expect(state.accounts.get('alice@okbank')).toMatchObject({ creditsPosted: 1100_00 });
  });

  it('voids a pending refund hold, and marks a failure that comes first so that the request holds nothing', () => {
    const held = foldFunds(paid(), [refund('RefundRequested')], LIMIT).state;
    const voided = foldFunds(held, [refund('RefundFailed')], LIMIT);
    expect(voided.decisions[0]).toMatchObject({ outcome: 'VOIDED', hold: { status: 'VOIDED' } });
    expect(voided.state.accounts.get('bob@okbank')).toMatchObject({ debitsPending: 0 });
    const early = foldFunds(paid(), [refund('RefundFailed'), refund('RefundRequested')], LIMIT);
    expect(early.decisions.map((d) => d.outcome)).toEqual(['MARKED_VOID', 'UNCHANGED']);
  });

  it('calls a refund success without a pending hold a contradiction', () => {
    expect(foldFunds(paid(), [refund('RefundSucceeded')], LIMIT).decisions[0]).toMatchObject({
      outcome: 'CONTRADICTION',
      why: `refund ${R1} succeeded but its hold is missing`,
    });
  });
});
