import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AnyPaymentEvent, PayloadOf, parseRupees, Topics } from '@app/contracts';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { PaymentView } from '../src/payment.view';
import { PaymentsModule } from '../src/payments.module';
import { RefundView } from '../src/refund.view';
import { Answer, fundsReserved, PaymentsApi } from './support/payments-api';

// Expiry of refunds is tested in expiry.int-spec.ts: here a refund waits as long as a test needs.
const env = testEnv('payments', { PAYMENT_TIMEOUT_S: '3600' });
const kafka = new TestKafka(env);
let service: RunningService;
let api: PaymentsApi;

const approved = (): PayloadOf<'FraudAssessed'> => ({ decision: 'APPROVED', score: 5, reasons: [], assessedAt: new Date().toISOString() });

interface Paid {
  payment: PaymentView;
  payer: TestUser;
  payee: TestUser;
}

/** A SUCCEEDED payment of `amount` between two fresh VPAs (fraud and the ledger said yes, as they would). */
async function succeededPayment(amount = '125.50'): Promise<Paid> {
  const [payerVpa, payeeVpa] = [`payer-${randomUUID().slice(0, 8)}@okbank`, `payee-${randomUUID().slice(0, 8)}@okbank`];
  const [payer, payee] = await Promise.all([api.holders.of(payerVpa), api.holders.of(payeeVpa)]);
  const pending = await api.initiate({ payerVpa, payeeVpa, amount, currency: 'INR' }, {}, payer);
  await kafka.publish('FraudAssessed', pending.id, approved(), 'fraud');
  await fundsReserved(kafka, pending);
  const payment = await api.final(pending.id);
  expect(payment.status).toBe('SUCCEEDED');
  return { payment, payer, payee };
}

const refund = (paymentId: string, as: TestUser | null, body: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  api.request('POST', `/v1/payments/${paymentId}/refunds`, as, body, headers);

async function accepted(paymentId: string, as: TestUser, body: unknown): Promise<RefundView> {
  const answer = await refund(paymentId, as, body);
  expect(answer.status).toBe(202);
  return answer.body as unknown as RefundView;
}

/** What the ledger would publish once it holds (or refuses) a refund's amount on the payee's account. */
function ledgerAnswer(payment: PaymentView, r: RefundView, reason?: 'INSUFFICIENT_FUNDS' | 'ACCOUNT_CLOSED') {
  const facts = { refundId: r.id, fromVpa: payment.payeeVpa, toVpa: payment.payerVpa, amountPaise: parseRupees(r.amount)! };
  const at = new Date().toISOString();
  return reason
    ? kafka.publish('RefundFundsRejected', payment.id, { ...facts, reason, rejectedAt: at }, 'ledger')
    : kafka.publish('RefundFundsReserved', payment.id, { ...facts, reservedAt: at }, 'ledger');
}

async function refundsOf(paymentId: string, as?: TestUser): Promise<RefundView[]> {
  const answer = await api.request('GET', `/v1/payments/${paymentId}/refunds`, as ?? (await api.asOperator()));
  expect(answer.status).toBe(200);
  return (answer.body as { data: RefundView[] }).data;
}

const finalRefund = (paymentId: string, refundId: string) =>
  eventually(async () => {
    const found = (await refundsOf(paymentId)).find((r) => r.id === refundId);
    expect(found?.status).not.toBe('PENDING');
    return found!;
  });

/** The refund events of a payment on the payments topic, once `until` holds for them. */
const refundEventsOf = (paymentId: string, until: (events: AnyPaymentEvent[]) => boolean) =>
  kafka
    .eventsOf(Topics.PaymentEvents, paymentId, (events) => until(events.filter((e) => e.type.startsWith('Refund'))))
    .then((events) => events.filter((e) => e.type.startsWith('Refund')));

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  api = new PaymentsApi(service, kafka);
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('refunding a payment (disputes.md scenario 1)', () => {
  it('takes parts up to the amount: 25.50 succeeds, 100.01 is refused, 100.00 succeeds, then 0.01 is refused', async () => {
    const { payment, payee } = await succeededPayment('125.50');
    const first = await accepted(payment.id, payee, { amount: '25.50', reason: 'one item returned' });
    expect(first).toEqual({
      id: expect.any(String),
      paymentId: payment.id,
      amount: '25.50',
      reason: 'one item returned',
      status: 'PENDING',
      failureReason: null,
      disputeId: null,
      createdAt: expect.any(String),
      completedAt: null,
      traceId: null,
    });
    const [requested] = await refundEventsOf(payment.id, (events) => events.length >= 1);
    expect(requested).toMatchObject({
      type: 'RefundRequested',
      paymentId: payment.id,
      payload: {
        refundId: first.id,
        payerVpa: payment.payerVpa,
        payeeVpa: payment.payeeVpa,
        amountPaise: 25_50,
        disputeId: null,
        requestedByUserId: payee.userId,
        payerUserId: expect.any(String),
        payeeUserId: payee.userId,
      },
    });

    await ledgerAnswer(payment, first);
    expect(await finalRefund(payment.id, first.id)).toMatchObject({ status: 'SUCCEEDED', completedAt: expect.any(String) });
    expect((await api.get(payment.id)).refundedAmount).toBe('25.50');

    const tooMuch = await refund(payment.id, payee, { amount: '100.01', reason: 'the rest and a paisa' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toMatchObject({ code: 'REFUND.EXCEEDS_PAYMENT', refundable: '100.00' });

    const rest = await accepted(payment.id, payee, { amount: '100.00', reason: 'the rest' });
    // Pending refunds count: nothing is left even before the ledger answers.
    expect((await refund(payment.id, payee, { amount: '0.01', reason: 'a paisa' })).status).toBe(422);
    await ledgerAnswer(payment, rest);
    expect(await finalRefund(payment.id, rest.id)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await api.get(payment.id)).refundedAmount).toBe('125.50');
    expect((await api.get(payment.id)).status).toBe('SUCCEEDED');
    expect((await refund(payment.id, payee, { amount: '0.01', reason: 'a paisa' })).body).toMatchObject({ code: 'REFUND.EXCEEDS_PAYMENT' });

    const events = await refundEventsOf(payment.id, (e) => e.filter((x) => x.type === 'RefundSucceeded').length >= 2);
    expect(events.map((e) => e.type)).toEqual(['RefundRequested', 'RefundSucceeded', 'RefundRequested', 'RefundSucceeded']);
    expect((await refundsOf(payment.id)).map((r) => r.amount)).toEqual(['25.50', '100.00']);
  });

  it('defaults the amount to all that is still refundable', async () => {
    const { payment, payee } = await succeededPayment('40.00');
    const first = await accepted(payment.id, payee, { amount: '10.00', reason: 'part' });
    const all = await accepted(payment.id, payee, { reason: 'the rest' });
    expect([first.amount, all.amount]).toEqual(['10.00', '30.00']);
  });

  it('fails a refund the ledger refuses (INSUFFICIENT_FUNDS): nothing refunded, the amount refundable again', async () => {
    const { payment, payee } = await succeededPayment('50.00');
    const refused = await accepted(payment.id, payee, { reason: 'all of it' });
    await ledgerAnswer(payment, refused, 'INSUFFICIENT_FUNDS');
    expect(await finalRefund(payment.id, refused.id)).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' });
    expect((await api.get(payment.id)).refundedAmount).toBe('0.00');
    const [, failed] = await refundEventsOf(payment.id, (e) => e.length >= 2);
    expect(failed).toMatchObject({ type: 'RefundFailed', payload: { refundId: refused.id, failureReason: 'INSUFFICIENT_FUNDS' } });
    expect((await accepted(payment.id, payee, { reason: 'again' })).amount).toBe('50.00');
  });

  it('applies a redelivered answer of the ledger once: one RefundSucceeded, the amount refunded once', async () => {
    const { payment, payee } = await succeededPayment('30.00');
    const r = await accepted(payment.id, payee, { amount: '30.00', reason: 'returned' });
    await ledgerAnswer(payment, r);
    await ledgerAnswer(payment, r);
    await ledgerAnswer(payment, r, 'INSUFFICIENT_FUNDS'); // a late contradicting answer changes nothing either
    await finalRefund(payment.id, r.id);
    // A marker behind the three answers (same topic, same key): once it is on the timeline, they were all consumed.
    const at = new Date().toISOString();
    const facts = { refundId: r.id, fromVpa: payment.payeeVpa, toVpa: payment.payerVpa, amountPaise: 30_00 };
    await kafka.publish('RefundFundsSettled', payment.id, { ...facts, settledAt: at }, 'ledger');
    await eventually(async () => expect((await api.timelineOf(payment.id)).steps.map((s) => s.step)).toContain('refund funds settled'));
    const events = await refundEventsOf(payment.id, (e) => e.some((x) => x.type === 'RefundSucceeded'));
    expect(events.filter((e) => e.type === 'RefundSucceeded' || e.type === 'RefundFailed')).toHaveLength(1);
    expect((await api.get(payment.id)).refundedAmount).toBe('30.00');
    expect((await refundsOf(payment.id)).map((x) => x.status)).toEqual(['SUCCEEDED']);
  });

  it('never passes the amount with concurrent refunds: 10 × 20.00 against 125.50 → 6 accepted, 4 refused', async () => {
    const { payment, payee } = await succeededPayment('125.50');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refund(payment.id, payee, { amount: '20.00', reason: `part ${i}` })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(6).fill(202), ...Array(4).fill(422)]);
    const [{ committed }] = await service.app
      .get(DataSource)
      .query<Array<{ committed: string }>>('SELECT refunds_committed_paise::text AS committed FROM payments WHERE id = $1', [payment.id]);
    expect(committed).toBe('12000');
  });

  it('refunds only a SUCCEEDED payment: 409 PAYMENT.NOT_SUCCEEDED while it is pending', async () => {
    const [payerVpa, payeeVpa] = [`p-${randomUUID().slice(0, 8)}@okbank`, `q-${randomUUID().slice(0, 8)}@okbank`];
    const pending = await api.initiate({ payerVpa, payeeVpa, amount: '10.00', currency: 'INR' });
    const answer = await refund(pending.id, await api.holders.of(payeeVpa), { reason: 'too early' });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'PAYMENT.NOT_SUCCEEDED' });
    expect(await refundsOf(pending.id)).toEqual([]);
  });

  it('names the offending field of a bad request (400) and stores nothing', async () => {
    const { payment, payee } = await succeededPayment('10.00');
    for (const [body, field] of [
      [{ amount: '1.234', reason: 'x' }, 'amount'],
      [{ amount: '0.00', reason: 'x' }, 'amount'],
      [{ amount: 5, reason: 'x' }, 'amount'],
      [{ reason: '' }, 'reason'],
      [{ reason: 'x'.repeat(101) }, 'reason'],
      [{}, 'reason'],
      [{ reason: 'x', extra: 1 }, 'extra'],
    ] as const) {
      const answer = await refund(payment.id, payee, body);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain(field);
    }
    expect(await refundsOf(payment.id)).toEqual([]);
  });
});

describe('who may refund and read refunds', () => {
  it('the payee and operators refund; the payer gets 403; anyone else 404, as for an unknown payment; no token 401', async () => {
    const { payment, payer, payee } = await succeededPayment('60.00');
    const stranger = await newUser();
    const asPayer = await refund(payment.id, payer, { amount: '1.00', reason: 'mine' });
    expect(asPayer.status).toBe(403);
    expect(asPayer.body).toMatchObject({ code: 'REFUND.NOT_PAYEE' });
    const asStranger = await refund(payment.id, stranger, { amount: '1.00', reason: 'not mine' });
    const unknown = await refund(randomUUID(), stranger, { amount: '1.00', reason: 'nothing' });
    expect([asStranger.status, unknown.status]).toEqual([404, 404]);
    expect(asStranger.body).toEqual({ ...unknown.body, message: expect.any(String) });
    expect((await refund('not-a-uuid', payee, { reason: 'x' })).status).toBe(404);
    expect((await refund(payment.id, null, { reason: 'x' })).status).toBe(401);
    await accepted(payment.id, payee, { amount: '1.00', reason: 'by the payee' });
    await accepted(payment.id, await api.asOperator(), { amount: '2.00', reason: 'by an operator' });

    for (const reader of [payer, payee, await api.asOperator()]) expect(await refundsOf(payment.id, reader)).toHaveLength(2);
    expect((await api.request('GET', `/v1/payments/${payment.id}/refunds`, stranger)).status).toBe(404);
    expect((await api.request('GET', `/v1/payments/${payment.id}/refunds`, null)).status).toBe(401);
  });
});

describe('a refund with an Idempotency-Key', () => {
  it('answers a retry with the first refund and creates nothing; a different request with the key is 422', async () => {
    const { payment, payee } = await succeededPayment('80.00');
    const key = { 'Idempotency-Key': `refund-${randomUUID()}` };
    const first = await refund(payment.id, payee, { amount: '10.00', reason: 'returned' }, key);
    const again = await refund(payment.id, payee, { amount: '10.0', reason: 'returned' }, key);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await refund(payment.id, payee, { amount: '11.00', reason: 'returned' }, key);
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY.REUSED' });
    expect(await refundsOf(payment.id)).toHaveLength(1);
  });

  it('makes one refund of concurrent requests with one key', async () => {
    const { payment, payee } = await succeededPayment('80.00');
    const key = { 'Idempotency-Key': `refund-${randomUUID()}` };
    const answers = await Promise.all(Array.from({ length: 5 }, () => refund(payment.id, payee, { amount: '5.00', reason: 'x' }, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(202));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await refundsOf(payment.id)).toHaveLength(1);
  });
});

describe('a dispute resolved for the payer (disputes.md)', () => {
  const resolved = (paid: Paid, disputeId: string, amountPaise: number, outcome: 'PAYER' | 'PAYEE' = 'PAYER') =>
    kafka.publish(
      'DisputeResolved',
      paid.payment.id,
      {
        disputeId,
        payerVpa: paid.payment.payerVpa,
        payeeVpa: paid.payment.payeeVpa,
        payerUserId: paid.payer.userId,
        payeeUserId: paid.payee.userId,
        amountPaise,
        reason: 'NOT_RECEIVED',
        outcome,
        resolvedByUserId: randomUUID(),
        resolvedAt: new Date().toISOString(),
      },
      'disputes',
    );

  it('makes exactly one refund of the disputed amount with the dispute id, whatever is redelivered', async () => {
    const paid = await succeededPayment('70.00');
    const disputeId = randomUUID();
    await resolved(paid, disputeId, 30_00);
    await resolved(paid, disputeId, 30_00);
    const [made] = await eventually(async () => {
      const list = await refundsOf(paid.payment.id);
      expect(list).toHaveLength(1);
      return list;
    });
    expect(made).toMatchObject({ amount: '30.00', status: 'PENDING', disputeId });
    await ledgerAnswer(paid.payment, made);
    expect(await finalRefund(paid.payment.id, made.id)).toMatchObject({ status: 'SUCCEEDED' });
    // a third delivery after the refund succeeded: still one
    await resolved(paid, disputeId, 30_00);
    // A marker behind it on the disputes topic (same key): once it is on the timeline, the delivery before it was consumed.
    const { payerVpa, payeeVpa } = paid.payment;
    const facts = { disputeId, payerVpa, payeeVpa, payerUserId: paid.payer.userId, payeeUserId: paid.payee.userId, amountPaise: 30_00 };
    await kafka.publish(
      'DisputeWithdrawn',
      paid.payment.id,
      { ...facts, reason: 'NOT_RECEIVED', withdrawnAt: new Date().toISOString() },
      'disputes',
    );
    await eventually(async () => expect((await api.timelineOf(paid.payment.id)).steps.map((s) => s.step)).toContain('dispute withdrawn'));
    expect(await refundsOf(paid.payment.id)).toHaveLength(1);
    const steps = (await api.timelineOf(paid.payment.id)).steps.map((s) => s.step);
    expect(steps).toEqual(expect.arrayContaining(['dispute resolved', 'refund requested', 'refund funds reserved', 'refund succeeded']));
  });

  it('makes no refund for a dispute resolved for the payee', async () => {
    const paid = await succeededPayment('70.00');
    await resolved(paid, randomUUID(), 30_00, 'PAYEE');
    await eventually(async () => expect((await api.timelineOf(paid.payment.id)).steps.map((s) => s.step)).toContain('dispute resolved'));
    expect(await refundsOf(paid.payment.id)).toEqual([]);
  });

  it('records a FAILED refund (EXCEEDS_PAYMENT) when the payee refunded meanwhile, and moves nothing', async () => {
    const paid = await succeededPayment('70.00');
    await accepted(paid.payment.id, paid.payee, { amount: '50.00', reason: 'most of it' });
    const disputeId = randomUUID();
    await resolved(paid, disputeId, 30_00);
    const made = await eventually(async () => {
      const found = (await refundsOf(paid.payment.id)).find((r) => r.disputeId === disputeId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(made).toMatchObject({ status: 'FAILED', failureReason: 'EXCEEDS_PAYMENT', amount: '30.00' });
    const events = await refundEventsOf(paid.payment.id, (e) => e.some((x) => x.type === 'RefundFailed'));
    expect(events.filter((e) => e.type === 'RefundRequested').map((e) => (e.payload as { disputeId: string | null }).disputeId)).toEqual([
      null,
    ]);
  });
});

describe('a refund not final within PAYMENT_TIMEOUT_S', () => {
  it('fails EXPIRED, is refundable again, and a late answer of the ledger changes nothing', async () => {
    const { payment, payee } = await succeededPayment('45.00');
    const silent = await accepted(payment.id, payee, { amount: '45.00', reason: 'the ledger never answers' });
    // The refund was asked for two hours ago, as far as the sweeper can tell (the timeout here is an hour).
    await service.app.get(DataSource).query(`UPDATE refunds SET created_at = now() - interval '2 hours' WHERE id = $1`, [silent.id]);
    expect(await finalRefund(payment.id, silent.id)).toMatchObject({ status: 'FAILED', failureReason: 'EXPIRED' });
    const events = await refundEventsOf(payment.id, (e) => e.some((x) => x.type === 'RefundFailed'));
    expect(events.map((e) => e.type)).toEqual(['RefundRequested', 'RefundFailed']);
    expect(events[1]).toMatchObject({ payload: { refundId: silent.id, failureReason: 'EXPIRED' } });

    await ledgerAnswer(payment, silent);
    const facts = { refundId: silent.id, fromVpa: payment.payeeVpa, toVpa: payment.payerVpa, amountPaise: 45_00 };
    await kafka.publish('RefundFundsReleased', payment.id, { ...facts, releasedAt: new Date().toISOString() }, 'ledger');
    await eventually(async () => expect((await api.timelineOf(payment.id)).steps.map((s) => s.step)).toContain('refund funds released'));
    expect((await refundsOf(payment.id)).map((r) => r.status)).toEqual(['FAILED']);
    expect((await api.get(payment.id)).refundedAmount).toBe('0.00');
    expect((await accepted(payment.id, payee, { reason: 'again' })).amount).toBe('45.00');
  });
});
