import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testEnv } from '../../../test/support/env';
import { eventually } from '../../../test/support/eventually';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService } from '../../../test/support/service-app';
import { DisputesApi, Json, startDisputes, TestPayment } from './support/disputes-api';

// disputes.md: a payer's dispute of a payment, reviewed and resolved by operators, along a
// forward-only status; the payments it may be about are learnt from the payment events only.
const env = testEnv('disputes');
const kafka = new TestKafka(env);
let service: RunningService;
let api: DisputesApi;
let operator: TestUser;
let otherOperator: TestUser;

beforeAll(async () => {
  service = await startDisputes(env);
  api = new DisputesApi(service, kafka);
  [operator, otherOperator] = await Promise.all([newOperator(), newOperator()]);
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

/** A payer and a payee, and a payment between them the service knows SUCCEEDED. */
async function paid(amountPaise = 125_50, completedDaysAgo = 0): Promise<{ alice: TestUser; bob: TestUser; payment: TestPayment }> {
  const [alice, bob] = await Promise.all([newUser(), newUser()]);
  const payment = await api.succeeded(api.payment(alice, bob, amountPaise, completedDaysAgo));
  return { alice, bob, payment };
}

/** A dispute opened by the payment's payer, 201. */
async function opened(payment: TestPayment, more: Json = {}): Promise<Json> {
  const answer = await api.open(payment.payer, payment.id, more);
  expect(answer.status).toBe(201);
  return answer.body;
}

const refused = (answer: { status: number; body: Json }) => ({ status: answer.status, code: answer.body.code as unknown });

describe('what the service knows of payments, from their events alone', () => {
  it('knows a payment from its events: PENDING, then SUCCEEDED, with its amount; FAILED stays undisputable', async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const p = api.payment(alice, bob);
    expect(refused(await api.open(alice, p.id))).toEqual({ status: 404, code: 'PAYMENT.NOT_FOUND' });
    await api.send(api.paymentEvent('PaymentInitiated', p));
    expect(refused(await api.known(p))).toEqual({ status: 422, code: 'PAYMENT.NOT_SUCCEEDED' });
    await api.send(api.paymentEvent('PaymentSucceeded', p));
    expect(await api.refundable(p)).toBe('125.50');

    const failed = api.payment(alice, bob);
    await api.send(api.paymentEvent('PaymentInitiated', failed), api.paymentEvent('PaymentFailed', failed));
    expect(refused(await api.known(failed, (a) => a.status === 422))).toEqual({ status: 422, code: 'PAYMENT.NOT_SUCCEEDED' });
  });

  it('never lets a final status go back: a late PaymentInitiated, or a contradicting PaymentFailed, changes nothing', async () => {
    const [alice, bob] = await Promise.all([newUser(), newUser()]);
    const p = api.payment(alice, bob);
    await api.send(api.paymentEvent('PaymentSucceeded', p), api.paymentEvent('PaymentInitiated', p));
    await api.send(api.paymentEvent('PaymentFailed', p));
    await api.appliedUpTo(p, alice);
    expect(await api.refundable(p)).toBe('125.50');
  });

  it('counts a refund once however often its events come, in whatever order; a failed one not, a pending one until it ends', async () => {
    const { payment: p } = await paid(125_50);
    const refund = { id: randomUUID(), amountPaise: 25_50 };
    const succeeded = api.refundEvent('RefundSucceeded', p, refund);
    await api.send(api.refundEvent('RefundRequested', p, refund));
    await api.send(succeeded);
    expect(await api.refundable(p, (r) => r !== '125.50')).toBe('100.00');

    // the same envelope again, the same refund under new envelopes, and its request after its success
    await api.send(succeeded, api.refundEvent('RefundSucceeded', p, refund), api.refundEvent('RefundRequested', p, refund));
    // a refund that failed gives nothing back; one still pending takes its amount while it is under way
    const failed = { id: randomUUID(), amountPaise: 50_00 };
    await api.send(api.refundEvent('RefundRequested', p, failed), api.refundEvent('RefundFailed', p, failed));
    await api.send(api.refundEvent('RefundRequested', p, { id: randomUUID(), amountPaise: 10_00 }));
    await api.appliedUpTo(p, p.payer!);
    expect(await api.refundable(p)).toBe('90.00');
    expect(await opened(p)).toMatchObject({ amount: '90.00' });
  });

  it('changes nothing when payment events are delivered again', async () => {
    const { alice, payment: p } = await paid(40_00);
    const dispute = await opened(p);
    await api.send(api.paymentEvent('PaymentInitiated', p), api.paymentEvent('PaymentSucceeded', p));
    await api.appliedUpTo(p, alice);
    expect((await api.get(dispute.id as string, alice)).body).toMatchObject({ status: 'OPEN', amount: '40.00' });
    expect(refused(await api.open(alice, p.id))).toEqual({ status: 409, code: 'DISPUTE.ALREADY_OPEN' });
  });
});

describe('opening a dispute', () => {
  it('opens the payer’s dispute, OPEN, for what is not yet refunded, and announces it (DisputeOpened)', async () => {
    const { alice, bob, payment: p } = await paid(125_50);
    const answer = await api.open(alice, p.id, { reason: 'DUPLICATE', description: '  charged twice  ' });
    expect(answer).toEqual({
      status: 201,
      body: {
        id: expect.any(String),
        paymentId: p.id,
        payerVpa: p.payerVpa,
        payeeVpa: p.payeeVpa,
        amount: '125.50',
        reason: 'DUPLICATE',
        description: 'charged twice',
        status: 'OPEN',
        escalated: false,
        escalatedAt: null,
        resolution: null,
        refund: null,
        createdAt: expect.any(String),
        updatedAt: answer.body.createdAt,
      },
    });
    const [event] = await api.disputeEvents(p.id, (events) => events.length >= 1);
    expect(event).toMatchObject({
      type: 'DisputeOpened',
      paymentId: p.id,
      producer: 'disputes',
      payload: {
        disputeId: answer.body.id,
        payerVpa: p.payerVpa,
        payeeVpa: p.payeeVpa,
        payerUserId: alice.userId,
        payeeUserId: bob.userId,
        amountPaise: 125_50,
        reason: 'DUPLICATE',
        openedAt: answer.body.createdAt,
      },
    });
    const detail = await api.get(answer.body.id as string, alice);
    expect(detail.body.history).toEqual([{ from: null, to: 'OPEN', changedBy: alice.userId, changedAt: answer.body.createdAt }]);
    expect(detail.body.comments).toEqual([]);
  });

  it('takes a part of the payment, and refuses more than is not yet refunded with 422 DISPUTE.EXCEEDS_REFUNDABLE', async () => {
    const { payment: p } = await paid(125_50);
    const refund = { id: randomUUID(), amountPaise: 25_50 };
    await api.send(api.refundEvent('RefundRequested', p, refund), api.refundEvent('RefundSucceeded', p, refund));
    await api.refundable(p, (r) => r === '100.00');
    const tooMuch = await api.open(p.payer, p.id, { amount: '100.01' });
    expect(tooMuch).toEqual({ status: 422, body: expect.objectContaining({ code: 'DISPUTE.EXCEEDS_REFUNDABLE', refundable: '100.00' }) });
    expect(await opened(p, { amount: '25.5' })).toMatchObject({ amount: '25.50' });
  });

  it('refuses a payment refunded in full with 422 DISPUTE.EXCEEDS_REFUNDABLE', async () => {
    const { payment: p } = await paid(10_00);
    const refund = { id: randomUUID(), amountPaise: 10_00 };
    await api.send(api.refundEvent('RefundRequested', p, refund), api.refundEvent('RefundSucceeded', p, refund));
    await api.refundable(p, (r) => r === '0.00');
    expect(refused(await api.open(p.payer, p.id))).toEqual({ status: 422, code: 'DISPUTE.EXCEEDS_REFUNDABLE' });
  });

  it('accepts a payment completed within DISPUTE_WINDOW_D days (30) and refuses an older one with 422 DISPUTE.WINDOW_CLOSED', async () => {
    const { payment: recent } = await paid(10_00, 29);
    expect(await opened(recent)).toMatchObject({ status: 'OPEN' });
    const { payment: old } = await paid(10_00, 31);
    expect(refused(await api.open(old.payer, old.id))).toEqual({ status: 422, code: 'DISPUTE.WINDOW_CLOSED' });
  });

  it('refuses a second dispute while the first is not final (409 DISPUTE.ALREADY_OPEN), and takes one once it is', async () => {
    const { payment: p } = await paid(50_00);
    const first = await opened(p);
    expect(refused(await api.open(p.payer, p.id))).toEqual({ status: 409, code: 'DISPUTE.ALREADY_OPEN' });
    expect((await api.review(first.id as string, operator)).status).toBe(200);
    expect(refused(await api.open(p.payer, p.id, { amount: '1.00' }))).toEqual({ status: 409, code: 'DISPUTE.ALREADY_OPEN' });
    expect((await api.withdraw(first.id as string, p.payer)).status).toBe(200);
    expect(await opened(p)).toMatchObject({ status: 'OPEN', amount: '50.00' });
  });

  it('opens one dispute of a payment when its payer asks many times at once', async () => {
    const { payment: p } = await paid(50_00);
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.open(p.payer, p.id)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect((await api.list(p.payer)).body.data).toHaveLength(1);
  });

  it('answers 400 naming the field for a malformed body', async () => {
    const { payment: p } = await paid();
    for (const [body, field] of [
      [{ reason: 'NOT_RECEIVED', description: 'x' }, 'paymentId'],
      [{ paymentId: 'not-a-uuid', reason: 'NOT_RECEIVED', description: 'x' }, 'paymentId'],
      [{ paymentId: p.id, reason: 'BORED', description: 'x' }, 'reason'],
      [{ paymentId: p.id, reason: 'OTHER', description: '' }, 'description'],
      [{ paymentId: p.id, reason: 'OTHER', description: '   ' }, 'description'],
      [{ paymentId: p.id, reason: 'OTHER', description: 'x'.repeat(501) }, 'description'],
      [{ paymentId: p.id, reason: 'OTHER', description: 'x', amount: '0.00' }, 'amount'],
      [{ paymentId: p.id, reason: 'OTHER', description: 'x', amount: '1.001' }, 'amount'],
      [{ paymentId: p.id, reason: 'OTHER', description: 'x', amount: 5 }, 'amount'],
      [{ paymentId: p.id, reason: 'OTHER', description: 'x', extra: true }, 'extra'],
    ] as const) {
      const answer = await api.call('POST', '/v1/disputes', p.payer, body);
      expect({ field, status: answer.status, fields: (answer.body.errors as Array<{ field: string }>).map((e) => e.field) }).toEqual({
        field,
        status: 400,
        fields: [field],
      });
    }
    expect((await api.list(p.payer)).body.data).toEqual([]);
  });
});

describe('a dispute’s life', () => {
  it('goes OPEN → UNDER_REVIEW → RESOLVED_FOR_PAYER with one event each, and shows the refund its resolution made', async () => {
    const { alice, bob, payment: p } = await paid(125_50);
    const dispute = await opened(p, { amount: '25.50' });
    const id = dispute.id as string;
    const reviewed = await api.review(id, operator);
    expect(reviewed).toEqual({ status: 200, body: expect.objectContaining({ status: 'UNDER_REVIEW', resolution: null }) });
    const resolved = await api.resolve(id, otherOperator, 'PAYER', 'no proof of delivery');
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'RESOLVED_FOR_PAYER',
      amount: '25.50',
      resolution: { outcome: 'PAYER', note: 'no proof of delivery', resolvedBy: otherOperator.userId, resolvedAt: resolved.body.updatedAt },
      refund: null,
    });

    // a later event on the payment's key shows that exactly one DisputeResolved came before it
    const marker = await opened(p, { amount: '1.00' });
    const events = await api.disputeEvents(p.id, (seen) => seen.filter((e) => e.type === 'DisputeOpened').length >= 2);
    expect(events.map((e) => e.type)).toEqual(['DisputeOpened', 'DisputeReviewStarted', 'DisputeResolved', 'DisputeOpened']);
    expect(events[1].payload).toMatchObject({ disputeId: id, reviewerUserId: operator.userId, reviewStartedAt: reviewed.body.updatedAt });
    expect(events[2].payload).toEqual({
      disputeId: id,
      payerVpa: p.payerVpa,
      payeeVpa: p.payeeVpa,
      payerUserId: alice.userId,
      payeeUserId: bob.userId,
      amountPaise: 25_50,
      reason: 'NOT_RECEIVED',
      outcome: 'PAYER',
      resolvedByUserId: otherOperator.userId,
      resolvedAt: (resolved.body.resolution as Json).resolvedAt,
    });

    await api.withdraw(marker.id as string, alice);

    // the payments service refunds the disputed amount with the dispute's id
    const refund = { id: randomUUID(), amountPaise: 25_50, disputeId: id };
    await api.send(api.refundEvent('RefundRequested', p, refund));
    await eventually(async () =>
      expect((await api.get(id, alice)).body.refund).toEqual({ id: refund.id, status: 'PENDING', failureReason: null }),
    );
    await api.send(api.refundEvent('RefundSucceeded', p, refund));
    await eventually(async () =>
      expect((await api.get(id, bob)).body.refund).toEqual({ id: refund.id, status: 'SUCCEEDED', failureReason: null }),
    );
    expect(await api.refundable(p)).toBe('100.00');
    const history = (await api.get(id, operator)).body.history as Json[];
    expect(history.map((h): unknown[] => [h.from, h.to, h.changedBy])).toEqual([
      [null, 'OPEN', alice.userId],
      ['OPEN', 'UNDER_REVIEW', operator.userId],
      ['UNDER_REVIEW', 'RESOLVED_FOR_PAYER', otherOperator.userId],
    ]);
  });

  it('shows a refund that failed, with its reason', async () => {
    const { payment: p } = await paid(30_00);
    const id = (await opened(p)).id as string;
    await api.review(id, operator);
    await api.resolve(id, operator, 'PAYER');
    const refund = { id: randomUUID(), amountPaise: 30_00, disputeId: id };
    await api.send(api.refundEvent('RefundRequested', p, refund), api.refundEvent('RefundFailed', p, refund));
    await eventually(async () =>
      expect((await api.get(id, p.payer)).body.refund).toEqual({ id: refund.id, status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' }),
    );
    // a redelivered request does not bring it back to PENDING
    await api.send(api.refundEvent('RefundRequested', p, refund));
    await api.appliedUpTo(p, p.payer!);
    expect((await api.get(id, p.payer)).body.refund).toMatchObject({ status: 'FAILED' });
  });

  it('resolves for the payee: nothing to refund, DisputeResolved with outcome PAYEE', async () => {
    const { payment: p } = await paid(30_00);
    const id = (await opened(p)).id as string;
    await api.review(id, operator);
    const resolved = await api.resolve(id, operator, 'PAYEE', 'delivered, signed for');
    expect(resolved.body).toMatchObject({ status: 'RESOLVED_FOR_PAYEE', resolution: { outcome: 'PAYEE', note: 'delivered, signed for' } });
    const events = await api.disputeEvents(p.id, (seen) => seen.some((e) => e.type === 'DisputeResolved'));
    expect(events.find((e) => e.type === 'DisputeResolved')?.payload).toMatchObject({
      outcome: 'PAYEE',
      resolvedByUserId: operator.userId,
    });
  });

  it('of two operators resolving at once, exactly one wins (200), the other gets 409 and changes nothing', async () => {
    const { payment: p } = await paid(60_00);
    const id = (await opened(p)).id as string;
    await api.review(id, operator);
    const answers = await Promise.all([api.resolve(id, operator, 'PAYER'), api.resolve(id, otherOperator, 'PAYEE')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!.body;
    const loser = answers.find((a) => a.status === 409)!.body;
    expect(loser).toMatchObject({ code: 'DISPUTE.INVALID_TRANSITION', status: winner.status });
    const detail = (await api.get(id, operator)).body;
    expect(detail).toMatchObject({ status: winner.status, resolution: winner.resolution, updatedAt: winner.updatedAt });
    expect((detail.history as Json[]).filter((h) => h.from === 'UNDER_REVIEW')).toHaveLength(1);

    await opened(p, { amount: '1.00' });
    const types = await api.disputeEventTypes(p.id, 'DisputeOpened', 2);
    expect(types).toEqual(['DisputeOpened', 'DisputeReviewStarted', 'DisputeResolved', 'DisputeOpened']);
  });

  it('lets the payer withdraw, OPEN or UNDER_REVIEW; a WITHDRAWN dispute is final: 409 for every move, and for comments', async () => {
    const { payment: p } = await paid(60_00);
    const open = (await opened(p)).id as string;
    expect((await api.withdraw(open, p.payer)).body).toMatchObject({ status: 'WITHDRAWN', resolution: null });
    const reviewed = (await opened(p)).id as string;
    await api.review(reviewed, operator);
    expect((await api.withdraw(reviewed, p.payer)).body).toMatchObject({ status: 'WITHDRAWN' });

    const before = (await api.get(reviewed, operator)).body;
    for (const answer of [
      await api.resolve(reviewed, operator, 'PAYER'),
      await api.resolve(reviewed, operator, 'PAYEE'),
      await api.review(reviewed, operator),
      await api.withdraw(reviewed, p.payer),
    ]) {
      expect(answer).toEqual({ status: 409, body: expect.objectContaining({ code: 'DISPUTE.INVALID_TRANSITION', status: 'WITHDRAWN' }) });
    }
    expect(refused(await api.comment(reviewed, p.payer))).toEqual({ status: 409, code: 'DISPUTE.FINAL' });
    expect((await api.get(reviewed, operator)).body).toEqual(before);
    const types = await api.disputeEventTypes(p.id, 'DisputeWithdrawn', 2);
    expect(types).toEqual(['DisputeOpened', 'DisputeWithdrawn', 'DisputeOpened', 'DisputeReviewStarted', 'DisputeWithdrawn']);
  });

  it('refuses what the diagram lacks with 409 DISPUTE.INVALID_TRANSITION: resolving an OPEN dispute, reviewing twice', async () => {
    const { payment: p } = await paid(60_00);
    const id = (await opened(p)).id as string;
    expect(refused(await api.resolve(id, operator, 'PAYER'))).toEqual({ status: 409, code: 'DISPUTE.INVALID_TRANSITION' });
    expect(refused(await api.resolve(id, operator, 'PAYEE'))).toEqual({ status: 409, code: 'DISPUTE.INVALID_TRANSITION' });
    expect((await api.get(id, operator)).body).toMatchObject({ status: 'OPEN', resolution: null });
    expect((await api.review(id, operator)).status).toBe(200);
    expect(refused(await api.review(id, operator))).toEqual({ status: 409, code: 'DISPUTE.INVALID_TRANSITION' });
    await api.resolve(id, operator, 'PAYEE');
    expect(refused(await api.comment(id, operator))).toEqual({ status: 409, code: 'DISPUTE.FINAL' });
    expect(((await api.get(id, operator)).body.history as Json[]).map((h): unknown => h.to)).toEqual([
      'OPEN',
      'UNDER_REVIEW',
      'RESOLVED_FOR_PAYEE',
    ]);
  });

  it('keeps a thread of comments by payer, payee and operator, each announced (DisputeCommented) with the role its author spoke as', async () => {
    const { alice, bob, payment: p } = await paid(60_00);
    const id = (await opened(p)).id as string;
    const byAlice = await api.comment(id, alice, 'nothing came');
    expect(byAlice).toEqual({
      status: 201,
      body: {
        id: expect.any(String),
        authorUserId: alice.userId,
        authorRole: 'PAYER',
        text: 'nothing came',
        createdAt: expect.any(String),
      },
    });
    expect((await api.comment(id, bob, 'it was sent on Monday')).body).toMatchObject({ authorRole: 'PAYEE' });
    await api.review(id, operator);
    expect((await api.comment(id, operator, 'asking the courier')).body).toMatchObject({ authorRole: 'OPERATOR' });
    expect(((await api.get(id, bob)).body.comments as Json[]).map((c): unknown[] => [c.authorRole, c.text])).toEqual([
      ['PAYER', 'nothing came'],
      ['PAYEE', 'it was sent on Monday'],
      ['OPERATOR', 'asking the courier'],
    ]);
    const events = await api.disputeEvents(p.id, (seen) => seen.filter((e) => e.type === 'DisputeCommented').length >= 3);
    expect(events.filter((e) => e.type === 'DisputeCommented').map((e) => e.payload)).toEqual([
      expect.objectContaining({ commentId: byAlice.body.id, authorUserId: alice.userId, authorRole: 'PAYER', disputeId: id }),
      expect.objectContaining({ authorUserId: bob.userId, authorRole: 'PAYEE' }),
      expect.objectContaining({ authorUserId: operator.userId, authorRole: 'OPERATOR' }),
    ]);
    for (const text of ['', ' ', 'x'.repeat(501)]) expect((await api.comment(id, alice, text)).status).toBe(400);
  });
});

describe('listing disputes', () => {
  it('shows a user the disputes they are payer or payee of, an operator all; newest first, by status, in pages', async () => {
    const [alice, bob, carol] = await Promise.all([newUser(), newUser(), newUser()]);
    const ids: string[] = [];
    for (const [payer, payee] of [
      [alice, bob],
      [bob, alice],
      [alice, carol],
    ] as const) {
      const p = await api.succeeded(api.payment(payer, payee, 10_00));
      ids.push((await opened(p)).id as string);
    }
    await api.review(ids[1], operator);
    const idsOf = (answer: { body: Json }) => (answer.body.data as Json[]).map((d) => d.id as string);
    expect(idsOf(await api.list(alice))).toEqual([ids[2], ids[1], ids[0]]);
    expect(idsOf(await api.list(bob))).toEqual([ids[1], ids[0]]);
    expect(idsOf(await api.list(carol))).toEqual([ids[2]]);
    expect(idsOf(await api.list(alice, '?status=UNDER_REVIEW'))).toEqual([ids[1]]);
    expect(idsOf(await api.list(alice, '?status=WITHDRAWN'))).toEqual([]);
    expect(idsOf(await api.list(operator, '?limit=100'))).toEqual(expect.arrayContaining(ids));

    const first = await api.list(alice, '?limit=2');
    expect(idsOf(first)).toEqual([ids[2], ids[1]]);
    expect((first.body.data as Json[])[0]).toMatchObject({ status: 'OPEN', amount: '10.00', escalated: false, refund: null });
    const second = await api.list(alice, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

    for (const query of ['?cursor=nonsense', '?limit=0', '?limit=101', '?status=LOST', '?vpa=alice@okbank']) {
      expect((await api.list(alice, query)).status).toBe(400);
    }
  });
});

describe('the database itself', () => {
  // Beside the service, as any other client of its schema would be.
  const client = new Client({ connectionString: env.DATABASE_URL, options: '-c search_path=disputes' });
  const db = () => client;
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  it('refuses a status change the diagram lacks, a change to a final dispute or to what is disputed, whatever the code does', async () => {
    const { payment: p } = await paid(20_00);
    const id = (await opened(p)).id as string;
    const refusedBy = (sql: string, params: unknown[]) => expect(db().query(sql, params)).rejects.toThrow(/cannot|never changes/);
    await refusedBy(`UPDATE disputes SET status = 'RESOLVED_FOR_PAYER' WHERE id = $1`, [id]);
    await refusedBy(`UPDATE disputes SET amount_paise = 1 WHERE id = $1`, [id]);
    await api.withdraw(id, p.payer);
    for (const status of ['OPEN', 'UNDER_REVIEW', 'RESOLVED_FOR_PAYER']) {
      await refusedBy(`UPDATE disputes SET status = $2 WHERE id = $1`, [id, status]);
    }
    await refusedBy(`UPDATE disputes SET updated_at = now() WHERE id = $1`, [id]);
    expect((await api.get(id, operator)).body.status).toBe('WITHDRAWN');
  });

  it('keeps the history and the comments append-only, and one dispute that is not final per payment', async () => {
    const { payment: p } = await paid(20_00);
    const id = (await opened(p)).id as string;
    await api.comment(id, p.payer);
    for (const sql of [
      `UPDATE dispute_history SET changed_by = gen_random_uuid() WHERE dispute_id = $1`,
      `DELETE FROM dispute_history WHERE dispute_id = $1`,
      `UPDATE dispute_comments SET text = 'edited' WHERE dispute_id = $1`,
      `DELETE FROM dispute_comments WHERE dispute_id = $1`,
      `DELETE FROM disputes WHERE id = $1`,
    ]) {
      await expect(db().query(sql, [id])).rejects.toThrow(/append-only/);
    }
    await expect(
      db().query(
        `INSERT INTO disputes (id, payment_id, payer_vpa, payee_vpa, payer_user_id, amount_paise, reason, description, status, created_at, updated_at)
         SELECT gen_random_uuid(), payment_id, payer_vpa, payee_vpa, payer_user_id, 1, reason, description, 'UNDER_REVIEW', now(), now()
           FROM disputes WHERE id = $1`,
        [id],
      ),
    ).rejects.toThrow(/disputes_one_open_per_payment/);
    expect((await api.get(id, operator)).body.history).toHaveLength(1);
  });
});
