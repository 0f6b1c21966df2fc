import { FraudDecision, FundsStatus, StockStatus } from '../payment';
import { applyFact, isSettled, SagaFact, SagaState } from './payment-saga';

/** A pending payment; its funds held already unless said otherwise (the funds step has its own tests below). */
const pending = (
  stockStatus: StockStatus,
  fraudDecision: FraudDecision | null = null,
  fundsStatus: FundsStatus = 'RESERVED',
): SagaState => ({
  status: 'PENDING',
  failureReason: null,
  fraudDecision,
  stockStatus,
  fundsStatus,
});

const APPROVED: SagaFact = { kind: 'FRAUD_ASSESSED', decision: 'APPROVED' };
const REJECTED: SagaFact = { kind: 'FRAUD_ASSESSED', decision: 'REJECTED' };
const RESERVED: SagaFact = { kind: 'STOCK_RESERVED' };
const OUT_OF_STOCK: SagaFact = { kind: 'STOCK_REJECTED' };
const FUNDED: SagaFact = { kind: 'FUNDS_RESERVED' };
const UNFUNDED: SagaFact = { kind: 'FUNDS_REJECTED', reason: 'INSUFFICIENT_FUNDS' };
const ALL_FACTS = [APPROVED, REJECTED, RESERVED, OUT_OF_STOCK, FUNDED, UNFUNDED];

/** Applies facts in order, keeping the state when a fact changes nothing. */
const replay = (start: SagaState, facts: SagaFact[]) => facts.reduce((state, fact) => applyFact(state, fact) ?? state, start);

describe('applyFact', () => {
  describe('a payment without items', () => {
    it('succeeds on approval', () => {
      expect(applyFact(pending('NOT_REQUIRED'), APPROVED)).toEqual({
        status: 'SUCCEEDED',
        failureReason: null,
        fraudDecision: 'APPROVED',
        stockStatus: 'NOT_REQUIRED',
        fundsStatus: 'RESERVED',
      });
    });

    it('fails on rejection', () => {
      expect(applyFact(pending('NOT_REQUIRED'), REJECTED)).toMatchObject({ status: 'FAILED', failureReason: 'FRAUD_REJECTED' });
    });

    it('ignores stock events: no reservation was asked for', () => {
      expect(applyFact(pending('NOT_REQUIRED'), RESERVED)).toBeNull();
      expect(applyFact(pending('NOT_REQUIRED'), OUT_OF_STOCK)).toBeNull();
    });
  });

  describe('a payment with items', () => {
    it('waits for the reservation after an approval', () => {
      expect(applyFact(pending('PENDING'), APPROVED)).toEqual({ ...pending('PENDING', 'APPROVED') });
    });

    it('waits for the assessment after a reservation', () => {
      expect(applyFact(pending('PENDING'), RESERVED)).toEqual(pending('RESERVED'));
    });

    it.each([
      ['approval then reservation', [APPROVED, RESERVED]],
      ['reservation then approval', [RESERVED, APPROVED]],
    ])('succeeds after %s', (_, facts) => {
      expect(replay(pending('PENDING'), facts)).toMatchObject({ status: 'SUCCEEDED', failureReason: null, stockStatus: 'RESERVED' });
    });

    it('fails OUT_OF_STOCK as soon as stock is rejected, before the assessment', () => {
      expect(applyFact(pending('PENDING'), OUT_OF_STOCK)).toMatchObject({
        status: 'FAILED',
        failureReason: 'OUT_OF_STOCK',
        fraudDecision: null,
      });
    });

    it('fails OUT_OF_STOCK when stock is rejected after an approval', () => {
      expect(replay(pending('PENDING'), [APPROVED, OUT_OF_STOCK])).toMatchObject({ status: 'FAILED', failureReason: 'OUT_OF_STOCK' });
    });

    it('fails FRAUD_REJECTED as soon as fraud rejects, before the reservation', () => {
      expect(applyFact(pending('PENDING'), REJECTED)).toMatchObject({
        status: 'FAILED',
        failureReason: 'FRAUD_REJECTED',
        stockStatus: 'PENDING',
      });
    });

    it('fails FRAUD_REJECTED when fraud rejects after the reservation', () => {
      expect(replay(pending('PENDING'), [RESERVED, REJECTED])).toMatchObject({ status: 'FAILED', failureReason: 'FRAUD_REJECTED' });
    });

    it.each([
      ['fraud rejection, then stock rejection', [REJECTED, OUT_OF_STOCK], 'FRAUD_REJECTED'],
      ['stock rejection, then fraud rejection', [OUT_OF_STOCK, REJECTED], 'OUT_OF_STOCK'],
      ['stock rejection, then approval', [OUT_OF_STOCK, APPROVED], 'OUT_OF_STOCK'],
      ['fraud rejection, then reservation', [REJECTED, RESERVED], 'FRAUD_REJECTED'],
    ])('keeps the first failure after %s', (_, facts, reason) => {
      expect(replay(pending('PENDING'), facts)).toMatchObject({ status: 'FAILED', failureReason: reason });
    });
  });

  describe('a participant that answers twice', () => {
    it('keeps the first assessment', () => {
      expect(applyFact(pending('PENDING', 'APPROVED'), REJECTED)).toBeNull();
      expect(applyFact(pending('PENDING', 'APPROVED'), APPROVED)).toBeNull();
    });

    it('keeps the first stock answer', () => {
      expect(applyFact(pending('RESERVED'), OUT_OF_STOCK)).toBeNull();
      expect(applyFact(pending('RESERVED'), RESERVED)).toBeNull();
    });
  });

  describe('a payment past its deadline', () => {
    const EXPIRED: SagaFact = { kind: 'EXPIRED' };

    it.each<[string, SagaState]>([
      ['waiting for everything', pending('PENDING')],
      ['without items, waiting for fraud', pending('NOT_REQUIRED')],
      ['approved, waiting for stock', pending('PENDING', 'APPROVED')],
      ['reserved, waiting for fraud', pending('RESERVED')],
    ])('fails EXPIRED when %s, keeping what it knew', (_, state) => {
      expect(applyFact(state, EXPIRED)).toEqual({ ...state, status: 'FAILED', failureReason: 'EXPIRED' });
    });

    it('changes nothing once final, and nothing changes it after', () => {
      const expired = applyFact(pending('PENDING'), EXPIRED)!;
      for (const fact of [...ALL_FACTS, EXPIRED]) expect(applyFact(expired, fact)).toBeNull();
      const succeeded = applyFact(pending('NOT_REQUIRED'), APPROVED)!;
      expect(applyFact(succeeded, EXPIRED)).toBeNull();
    });
  });

  describe('a final payment', () => {
    const finals: SagaState[] = [
      { status: 'SUCCEEDED', failureReason: null, fraudDecision: 'APPROVED', stockStatus: 'NOT_REQUIRED', fundsStatus: 'RESERVED' },
      { status: 'SUCCEEDED', failureReason: null, fraudDecision: 'APPROVED', stockStatus: 'RESERVED', fundsStatus: 'RESERVED' },
      { status: 'SUCCEEDED', failureReason: null, fraudDecision: 'APPROVED', stockStatus: 'NOT_REQUIRED', fundsStatus: 'UNTRACKED' },
      { status: 'FAILED', failureReason: 'FRAUD_REJECTED', fraudDecision: 'REJECTED', stockStatus: 'NOT_REQUIRED', fundsStatus: 'PENDING' },
      { status: 'FAILED', failureReason: 'FRAUD_REJECTED', fraudDecision: 'REJECTED', stockStatus: 'PENDING', fundsStatus: 'RESERVED' },
      { status: 'FAILED', failureReason: 'OUT_OF_STOCK', fraudDecision: null, stockStatus: 'REJECTED', fundsStatus: 'PENDING' },
      { status: 'FAILED', failureReason: 'OUT_OF_STOCK', fraudDecision: 'APPROVED', stockStatus: 'REJECTED', fundsStatus: 'RESERVED' },
      { status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS', fraudDecision: 'APPROVED', stockStatus: 'PENDING', fundsStatus: 'REJECTED' },
      { status: 'FAILED', failureReason: 'EXPIRED', fraudDecision: null, stockStatus: 'PENDING', fundsStatus: 'PENDING' },
    ];

    it.each(finals.flatMap((state) => ALL_FACTS.map((fact) => [state.status, state.failureReason, fact.kind, state, fact] as const)))(
      'stays %s %s whatever arrives (%s)',
      (_status, _reason, _kind, state, fact) => {
        expect(applyFact(state, fact)).toBeNull();
      },
    );
  });

  it('never leaves a final status, in any order of any facts', () => {
    const orders = (facts: SagaFact[]): SagaFact[][] =>
      facts.length === 0
        ? [[]]
        : facts.flatMap((fact, i) => orders([...facts.slice(0, i), ...facts.slice(i + 1)]).map((rest) => [fact, ...rest]));
    const failures: Record<string, string> = {
      FRAUD_ASSESSED: 'FRAUD_REJECTED',
      STOCK_REJECTED: 'OUT_OF_STOCK',
      FUNDS_REJECTED: 'INSUFFICIENT_FUNDS',
    };
    for (const start of [pending('PENDING', null, 'PENDING'), pending('NOT_REQUIRED', null, 'PENDING')]) {
      for (const order of orders([APPROVED, REJECTED, RESERVED, OUT_OF_STOCK, FUNDED, UNFUNDED])) {
        let state = start;
        let firstFailure: string | null = null;
        for (const fact of order) {
          const next = applyFact(state, fact);
          if (state.status !== 'PENDING') expect(next).toBeNull();
          if (next?.status === 'FAILED' && state.status === 'PENDING') firstFailure = failures[fact.kind];
          state = next ?? state;
        }
        // the outcome is what the first decisive fact said; success only with every positive answer
        if (state.status === 'FAILED') expect(state.failureReason).toBe(firstFailure);
        else expect(state.status === 'SUCCEEDED').toBe(isSettled(state));
      }
    }
  });

  describe('the funds step', () => {
    it('waits for the funds after an approval', () => {
      expect(applyFact(pending('NOT_REQUIRED', null, 'PENDING'), APPROVED)).toEqual(pending('NOT_REQUIRED', 'APPROVED', 'PENDING'));
    });

    it.each([
      ['approval then funds', [APPROVED, FUNDED]],
      ['funds then approval', [FUNDED, APPROVED]],
    ])('succeeds after %s', (_, facts) => {
      expect(replay(pending('NOT_REQUIRED', null, 'PENDING'), facts)).toMatchObject({ status: 'SUCCEEDED', fundsStatus: 'RESERVED' });
    });

    it('with items, needs the stock and the funds both', () => {
      const start = pending('PENDING', null, 'PENDING');
      expect(replay(start, [APPROVED, FUNDED])).toMatchObject({ status: 'PENDING' });
      expect(replay(start, [APPROVED, RESERVED])).toMatchObject({ status: 'PENDING' });
      expect(replay(start, [RESERVED, FUNDED, APPROVED])).toMatchObject({ status: 'SUCCEEDED' });
    });

    it.each(['INSUFFICIENT_FUNDS', 'DAILY_LIMIT_EXCEEDED', 'ACCOUNT_CLOSED'] as const)(
      'fails %s as soon as the ledger rejects, before the assessment',
      (reason) => {
        expect(applyFact(pending('NOT_REQUIRED', null, 'PENDING'), { kind: 'FUNDS_REJECTED', reason })).toMatchObject({
          status: 'FAILED',
          failureReason: reason,
          fundsStatus: 'REJECTED',
          fraudDecision: null,
        });
      },
    );

    it('keeps the first failure: fraud rejection before the funds rejection', () => {
      expect(replay(pending('NOT_REQUIRED', null, 'PENDING'), [REJECTED, UNFUNDED])).toMatchObject({ failureReason: 'FRAUD_REJECTED' });
      expect(replay(pending('NOT_REQUIRED', null, 'PENDING'), [UNFUNDED, REJECTED])).toMatchObject({ failureReason: 'INSUFFICIENT_FUNDS' });
    });

    it('ignores a second answer of the ledger, and funds answers for a payment made before the ledger', () => {
      expect(applyFact(pending('PENDING', null, 'RESERVED'), UNFUNDED)).toBeNull();
      expect(applyFact(pending('PENDING', null, 'REJECTED'), FUNDED)).toBeNull();
      expect(applyFact(pending('NOT_REQUIRED', null, 'UNTRACKED'), FUNDED)).toBeNull();
      expect(applyFact(pending('NOT_REQUIRED', null, 'UNTRACKED'), APPROVED)).toMatchObject({ status: 'SUCCEEDED' });
    });

    it('expires when the ledger never answers', () => {
      expect(applyFact(pending('NOT_REQUIRED', 'APPROVED', 'PENDING'), { kind: 'EXPIRED' })).toMatchObject({
        status: 'FAILED',
        failureReason: 'EXPIRED',
        fundsStatus: 'PENDING',
      });
    });
  });
});
