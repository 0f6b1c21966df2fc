import { randomUUID } from 'node:crypto';
import { AnyPaymentEvent, Topics } from '@app/contracts';
import { testEnv } from '../../../test/support/env';
import { eventually } from '../../../test/support/eventually';
import { linkVpas, newOperator, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService } from '../../../test/support/service-app';
import { LedgerApi, newVpa, startLedger, Json } from './support/ledger-api';

// A small daily limit, so that passing it takes a few payments.
const env = testEnv('ledger', { LEDGER_DAILY_LIMIT: '5000.00' });
const kafka = new TestKafka(env);
let service: RunningService;
let api: LedgerApi;
let operator: TestUser;

beforeAll(async () => {
  service = await startLedger(env);
  api = new LedgerApi(service, kafka);
  operator = await newOperator();
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

/** Every test that moves money ends with the books still balanced. */
async function expectConserved(): Promise<void> {
  const { status, body } = await api.reconciliation(operator);
  expect(status).toBe(200);
  expect(body).toMatchObject({ conserved: true, negativeAccounts: [], orphanHolds: [] });
}

/** A payer funded with `funds` and a payee, both open. */
async function parties(funds?: string): Promise<{ payer: string; payee: string; user: TestUser }> {
  const user = await newUser();
  const [payer, payee] = [newVpa('payer'), newVpa('payee')];
  await api.open(user, [payer, payee], operator);
  if (funds) expect((await api.deposit(payer, operator, funds)).status).toBe(201);
  return { payer, payee, user };
}

const balances = async (vpa: string) => {
  const { body } = await api.account(vpa, operator);
  return { balance: body.balance, held: body.held, available: body.available, spentToday: body.spentToday };
};

describe('deposits and withdrawals', () => {
  it('deposits once per reference: the same reference and amount again is 200 with the first entry, another amount 422', async () => {
    const { payer } = await parties();
    const first = await api.deposit(payer, operator, '1000.00', 'NEFT-1');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      kind: 'DEPOSIT',
      amount: '1000.00',
      balanceAfter: '1000.00',
      paymentId: null,
      reference: 'NEFT-1',
      at: expect.any(String),
    });
    const again = await api.deposit(payer, operator, '1000.00', 'NEFT-1');
    expect(again).toEqual({ status: 200, body: first.body });
    const other = await api.deposit(payer, operator, '999.00', 'NEFT-1');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('TRANSFER.REFERENCE_REUSED');
    const asWithdrawal = await api.withdraw(payer, operator, '1000.00', 'NEFT-1');
    expect(asWithdrawal.status).toBe(422);
    expect(asWithdrawal.body.code).toBe('TRANSFER.REFERENCE_REUSED');
    expect(await balances(payer)).toMatchObject({ balance: '1000.00', available: '1000.00' });
    expect((await api.entries(payer, operator)).body.data).toHaveLength(1);
    await expectConserved();
  });

  it('withdraws up to what is available: beyond it 422 FUNDS.INSUFFICIENT and nothing moves', async () => {
    const { payer } = await parties('100.00');
    const refused = await api.withdraw(payer, operator, '100.01');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('FUNDS.INSUFFICIENT');
    const taken = await api.withdraw(payer, operator, '60.00');
    expect(taken.status).toBe(201);
    expect(taken.body).toMatchObject({ kind: 'WITHDRAWAL', amount: '60.00', balanceAfter: '40.00' });
    expect(await balances(payer)).toMatchObject({ balance: '40.00', available: '40.00' });
    await expectConserved();
  });

  it('answers 404 for an unknown account, 400 naming the field for a bad amount', async () => {
    expect((await api.deposit(newVpa('nobody'), operator, '1.00')).status).toBe(404);
    const { payer } = await parties();
    const bad = await api.deposit(payer, operator, '-5');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('amount');
    expect((await api.deposit(payer, operator, '0.00')).status).toBe(400);
    expect((await api.deposit(payer, operator, '1.001')).status).toBe(400);
  });

  it('refuses a deposit into a closed account (422 ACCOUNT.CLOSED) but lets money leave it', async () => {
    const { payer, user } = await parties('50.00');
    await api.close(user, payer, operator);
    const refused = await api.deposit(payer, operator, '1.00');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('ACCOUNT.CLOSED');
    expect((await api.withdraw(payer, operator, '50.00')).status).toBe(201);
    expect(await balances(payer)).toMatchObject({ balance: '0.00' });
    await expectConserved();
  });
});

describe('an account and who holds its VPA', () => {
  it('is never handed, with its money and statement, to someone who links the VPA after its holder unlinked it', async () => {
    const { payer: vpa, user: first } = await parties('80.00');
    await api.close(first, vpa, operator);
    const second = await newUser();
    await linkVpas(kafka, second.userId, [vpa]);
    // The second user's next link is applied after that one (one user's events keep their order).
    await api.open(second, [newVpa('later')], operator);
    // Still the first holder's, closed: the second sees nothing of it, the first still reads it.
    expect((await api.account(vpa, second)).status).toBe(404);
    expect((await api.entries(vpa, second)).status).toBe(404);
    expect((await api.account(vpa, first)).body).toMatchObject({ status: 'CLOSED', balance: '80.00' });
    await expectConserved();
  });

  it('is opened for whoever links a VPA whose account never held money', async () => {
    const { payee: vpa, user: first } = await parties();
    await api.close(first, vpa, operator);
    const second = await newUser();
    await api.open(second, [vpa], operator);
    expect((await api.account(vpa, second)).body).toMatchObject({ status: 'OPEN', balance: '0.00' });
    expect((await api.account(vpa, first)).status).toBe(404);
  });
});

describe('a refund’s money (disputes.md)', () => {
  /** A payment of `amountPaise` from payer to payee, posted. */
  async function paid(amountPaise: number, payeeFunds?: string) {
    const { payer, payee } = await parties('1000.00');
    if (payeeFunds) expect((await api.deposit(payee, operator, payeeFunds)).status).toBe(201);
    const id = randomUUID();
    await api.pay('PaymentInitiated', id, payer, payee, amountPaise);
    await api.typesOf(id, 1);
    await api.pay('PaymentSucceeded', id, payer, payee, amountPaise);
    await api.typesOf(id, 2);
    return { id, payer, payee };
  }
  const refundEvents = async (paymentId: string, count: number) =>
    (await api.ledgerEvents(paymentId, (events) => events.length >= 2 + count)).slice(2);

  it("holds the refund on the payee's account, then posts it back: REFUND_DEBIT / REFUND_CREDIT, RefundFundsSettled", async () => {
    const { id, payer, payee } = await paid(125_50);
    const refundId = randomUUID();
    await api.refund('RefundRequested', id, refundId, payer, payee, 25_50);
    const [reserved] = await refundEvents(id, 1);
    expect(reserved).toMatchObject({
      type: 'RefundFundsReserved',
      paymentId: id,
      payload: { refundId, fromVpa: payee, toVpa: payer, amountPaise: 25_50 },
    });
    expect(await balances(payee)).toMatchObject({ balance: '125.50', held: '25.50', available: '100.00' });
    expect(await balances(payer)).toMatchObject({ spentToday: '125.50' }); // a refund does not count against any limit

    await api.refund('RefundSucceeded', id, refundId, payer, payee, 25_50);
    expect((await refundEvents(id, 2)).map((e) => e.type)).toEqual(['RefundFundsReserved', 'RefundFundsSettled']);
    expect(await balances(payee)).toMatchObject({ balance: '100.00', held: '0.00' });
    expect(await balances(payer)).toMatchObject({ balance: '900.00', spentToday: '125.50' });
    const [debit] = (await api.entries(payee, operator)).body.data as Json[];
    const [credit] = (await api.entries(payer, operator)).body.data as Json[];
    expect(debit).toMatchObject({ kind: 'REFUND_DEBIT', amount: '25.50', paymentId: id });
    expect(credit).toMatchObject({ kind: 'REFUND_CREDIT', amount: '25.50', paymentId: id });
    await expectConserved();
  });

  it('posts two refunds of one payment, each once, whatever is redelivered', async () => {
    const { id, payer, payee } = await paid(100_00);
    const [first, second] = [randomUUID(), randomUUID()];
    const requested = await api.refund('RefundRequested', id, first, payer, payee, 40_00);
    await api.refund('RefundRequested', id, second, payer, payee, 60_00);
    await api.resend(requested);
    await refundEvents(id, 2);
    const succeeded = await api.refund('RefundSucceeded', id, first, payer, payee, 40_00);
    await api.refund('RefundSucceeded', id, second, payer, payee, 60_00);
    await api.resend(succeeded);
    await api.handledUpTo(id);
    expect((await refundEvents(id, 4)).map((e) => e.type).sort()).toEqual([
      'RefundFundsReserved',
      'RefundFundsReserved',
      'RefundFundsSettled',
      'RefundFundsSettled',
    ]);
    expect(await balances(payee)).toMatchObject({ balance: '0.00', held: '0.00' });
    expect(await balances(payer)).toMatchObject({ balance: '1000.00' });
    const entries = (await api.entries(payee, operator)).body.data as Json[];
    expect(entries.filter((e) => e.kind === 'REFUND_DEBIT')).toHaveLength(2);
    await expectConserved();
  });

  it("refuses a refund larger than the payee's available balance (RefundFundsRejected INSUFFICIENT_FUNDS), moving nothing", async () => {
    const { id, payer, payee } = await paid(50_00);
    expect((await api.withdraw(payee, operator, '40.00')).status).toBe(201);
    const refundId = randomUUID();
    await api.refund('RefundRequested', id, refundId, payer, payee, 50_00);
    const [rejected] = await refundEvents(id, 1);
    expect(rejected).toMatchObject({ type: 'RefundFundsRejected', payload: { refundId, reason: 'INSUFFICIENT_FUNDS' } });
    expect(await balances(payee)).toMatchObject({ balance: '10.00', held: '0.00' });
    await api.refund('RefundFailed', id, refundId, payer, payee, 50_00);
    await api.handledUpTo(id);
    expect(await api.typesOf(id, 3)).toEqual(['FundsReserved', 'FundsSettled', 'RefundFundsRejected']);
    await expectConserved();
  });

  it('voids a held refund that fails (expired): RefundFundsReleased, the payee’s funds available again', async () => {
    const { id, payer, payee } = await paid(50_00);
    const refundId = randomUUID();
    await api.refund('RefundRequested', id, refundId, payer, payee, 20_00);
    await refundEvents(id, 1);
    await api.refund('RefundFailed', id, refundId, payer, payee, 20_00);
    expect((await refundEvents(id, 2)).map((e) => e.type)).toEqual(['RefundFundsReserved', 'RefundFundsReleased']);
    expect(await balances(payee)).toMatchObject({ balance: '50.00', held: '0.00', available: '50.00' });
    await expectConserved();
  });
});

describe('a payment’s money', () => {
  it('holds the amount (FundsReserved), then posts it on success: two entries, FundsSettled', async () => {
    const { payer, payee } = await parties('1000.00');
    const id = randomUUID();
    await api.pay('PaymentInitiated', id, payer, payee, 125_50);
    const [reserved] = await api.ledgerEvents(id, (events) => events.length >= 1);
    expect(reserved).toMatchObject({ type: 'FundsReserved', payload: { payerVpa: payer, payeeVpa: payee, amountPaise: 125_50 } });
    expect(await balances(payer)).toEqual({ balance: '1000.00', held: '125.50', available: '874.50', spentToday: '125.50' });
    await expectConserved();

    await api.pay('PaymentSucceeded', id, payer, payee, 125_50);
    expect(await api.typesOf(id, 2)).toEqual(['FundsReserved', 'FundsSettled']);
    expect(await balances(payer)).toEqual({ balance: '874.50', held: '0.00', available: '874.50', spentToday: '125.50' });
    expect(await balances(payee)).toMatchObject({ balance: '125.50', available: '125.50' });
    const [debit] = (await api.entries(payer, operator)).body.data;
    expect(debit).toMatchObject({ kind: 'PAYMENT_DEBIT', amount: '125.50', balanceAfter: '874.50', paymentId: id, reference: null });
    expect((await api.entries(payee, operator)).body.data).toEqual([
      expect.objectContaining({ kind: 'PAYMENT_CREDIT', amount: '125.50', balanceAfter: '125.50', paymentId: id }),
    ]);
    await expectConserved();
  });

  it('voids the hold on failure: FundsReleased, available and the day’s spend back', async () => {
    const { payer, payee } = await parties('1000.00');
    const id = randomUUID();
    await api.pay('PaymentInitiated', id, payer, payee, 300_00);
    await api.typesOf(id, 1);
    await api.pay('PaymentFailed', id, payer, payee, 300_00);
    expect(await api.typesOf(id, 2)).toEqual(['FundsReserved', 'FundsReleased']);
    expect(await balances(payer)).toEqual({ balance: '1000.00', held: '0.00', available: '1000.00', spentToday: '0.00' });
    expect((await api.entries(payer, operator)).body.data).toHaveLength(1); // the deposit only
    await expectConserved();
  });

  it('rejects INSUFFICIENT_FUNDS, DAILY_LIMIT_EXCEEDED and ACCOUNT_CLOSED, holding nothing', async () => {
    const { payer, payee, user } = await parties('6000.00');
    const poor = randomUUID();
    await api.pay('PaymentInitiated', poor, payer, payee, 6000_01);
    const [insufficient] = await api.ledgerEvents(poor, (events) => events.length >= 1);
    expect(insufficient).toMatchObject({ type: 'FundsRejected', payload: { reason: 'INSUFFICIENT_FUNDS' } });

    const [first, second] = [randomUUID(), randomUUID()];
    await api.pay('PaymentInitiated', first, payer, payee, 4000_00);
    expect(await api.typesOf(first)).toEqual(['FundsReserved']);
    await api.pay('PaymentInitiated', second, payer, payee, 1000_01); // 5000.01 today, over the 5000.00 limit
    const [overLimit] = await api.ledgerEvents(second, (events) => events.length >= 1);
    expect(overLimit).toMatchObject({ type: 'FundsRejected', payload: { reason: 'DAILY_LIMIT_EXCEEDED' } });

    await api.close(user, payee, operator);
    const closed = randomUUID();
    await api.pay('PaymentInitiated', closed, payer, payee, 1_00);
    const [toClosed] = await api.ledgerEvents(closed, (events) => events.length >= 1);
    expect(toClosed).toMatchObject({ type: 'FundsRejected', payload: { reason: 'ACCOUNT_CLOSED' } });
    const unknown = randomUUID();
    await api.pay('PaymentInitiated', unknown, payer, newVpa('nobody'), 1_00);
    expect((await api.ledgerEvents(unknown, (events) => events.length >= 1))[0]).toMatchObject({ payload: { reason: 'ACCOUNT_CLOSED' } });

    expect(await balances(payer)).toEqual({ balance: '6000.00', held: '4000.00', available: '2000.00', spentToday: '4000.00' });
    // a rejected payment's failure changes nothing
    await api.pay('PaymentFailed', poor, payer, payee, 6000_01);
    await api.handledUpTo(poor);
    expect(await api.typesOf(poor)).toEqual(['FundsRejected']);
    await expectConserved();
  });

  it('still settles a payment whose accounts were closed while it held funds', async () => {
    const { payer, payee, user } = await parties('100.00');
    const id = randomUUID();
    await api.pay('PaymentInitiated', id, payer, payee, 40_00);
    await api.typesOf(id);
    await api.close(user, payee, operator);
    await api.close(user, payer, operator);
    await api.pay('PaymentSucceeded', id, payer, payee, 40_00);
    expect(await api.typesOf(id, 2)).toEqual(['FundsReserved', 'FundsSettled']);
    expect(await balances(payer)).toMatchObject({ balance: '60.00', held: '0.00' });
    expect(await balances(payee)).toMatchObject({ balance: '40.00' });
    await expectConserved();
  });

  it('changes nothing when any event is delivered again (the same envelope, or the same payment under a new one)', async () => {
    const { payer, payee } = await parties('100.00');
    const [posted, voided] = [randomUUID(), randomUUID()];
    const events: AnyPaymentEvent[] = [];
    events.push(await api.pay('PaymentInitiated', posted, payer, payee, 10_00));
    events.push(await api.pay('PaymentInitiated', voided, payer, payee, 20_00));
    await api.typesOf(posted);
    await api.typesOf(voided);
    events.push(await api.pay('PaymentSucceeded', posted, payer, payee, 10_00));
    events.push(await api.pay('PaymentFailed', voided, payer, payee, 20_00));
    await api.typesOf(posted, 2);
    await api.typesOf(voided, 2);
    const before = await balances(payer);

    for (const event of events) await api.resend(event);
    await api.pay('PaymentInitiated', posted, payer, payee, 10_00);
    await api.pay('PaymentSucceeded', posted, payer, payee, 10_00);
    await api.pay('PaymentInitiated', voided, payer, payee, 20_00);
    await api.pay('PaymentFailed', voided, payer, payee, 20_00);
    await api.handledUpTo(posted);
    await api.handledUpTo(voided);

    expect(await balances(payer)).toEqual(before);
    expect(before).toMatchObject({ balance: '90.00', held: '0.00' });
    expect(await api.typesOf(posted, 2)).toEqual(['FundsReserved', 'FundsSettled']);
    expect(await api.typesOf(voided, 2)).toEqual(['FundsReserved', 'FundsReleased']);
    expect((await api.entries(payee, operator)).body.data).toHaveLength(1);
    await expectConserved();
  });

  it('holds nothing for a payment whose failure arrives before its initiation', async () => {
    const { payer, payee } = await parties('100.00');
    const id = randomUUID();
    await api.pay('PaymentFailed', id, payer, payee, 10_00);
    await api.pay('PaymentInitiated', id, payer, payee, 10_00);
    await api.handledUpTo(id);
    expect(await balances(payer)).toMatchObject({ held: '0.00', available: '100.00' });
    await expectConserved();
  });

  it('holds exactly what is available: 50 payments of 10.00 against 100.00 at once → 10 reserved, 40 INSUFFICIENT_FUNDS', async () => {
    const { payer, payee } = await parties('100.00');
    const ids = Array.from({ length: 50 }, () => randomUUID());
    await Promise.all(ids.map((id) => api.pay('PaymentInitiated', id, payer, payee, 10_00)));
    const wanted = new Set<string>(ids);
    const messages = await kafka.read(Topics.LedgerEvents, (seen) => seen.filter((m) => m.key && wanted.has(m.key)).length >= 50, 60000);
    const outcomes = messages
      .filter((m) => m.key && wanted.has(m.key))
      .map((m) => JSON.parse(m.value!) as AnyPaymentEvent)
      .map((e) => (e.type === 'FundsRejected' ? `${e.type} ${e.payload.reason}` : e.type));
    expect(outcomes).toHaveLength(50);
    expect(outcomes.filter((o) => o === 'FundsReserved')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'FundsRejected INSUFFICIENT_FUNDS')).toHaveLength(40);
    expect(await balances(payer)).toMatchObject({ balance: '100.00', held: '100.00', available: '0.00' });
    await expectConserved();
  });

  it('pages a statement newest first', async () => {
    const { payer } = await parties();
    for (const amount of ['1.00', '2.00', '3.00']) await api.deposit(payer, operator, amount);
    const first = await api.entries(payer, operator, '?limit=2');
    expect((first.body.data as Array<{ amount: string }>).map((e) => e.amount)).toEqual(['3.00', '2.00']);
    const second = await api.entries(payer, operator, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ data: [expect.objectContaining({ amount: '1.00', balanceAfter: '1.00' })], nextCursor: null });
    expect((await api.entries(payer, operator, '?cursor=nonsense')).status).toBe(400);
    await eventually(expectConserved);
  });
});
