import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AnyPaymentEvent, createEvent, deadLetterTopic, EventCatalog, EventType, PayloadOf, Topics } from '@app/contracts';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { NotificationsModule } from '../src/notifications.module';

/*
 * Refunds and disputes (shared/spec/disputes.md): who is told what, exactly once per payment,
 * subject (refund, dispute, comment), recipient and type, whatever is redelivered; and who sees
 * the notifications that belong to no VPA (a failed refund told to the operator who asked for it,
 * an escalated dispute told to operators).
 */
const env = testEnv('notifications_refunds');
const kafka = new TestKafka(env);
let service: RunningService;
let operator: TestUser;
let otherOperator: TestUser;

interface Listed {
  id: string;
  paymentId: string;
  refundId: string | null;
  disputeId: string | null;
  recipientVpa: string | null;
  type: string;
  message: string;
  createdAt: string;
}

async function list(caller: TestUser, query = '') {
  const response = await fetch(`${service.url}/v1/notifications${query ? `?${query}` : ''}`, { headers: caller.headers });
  return { status: response.status, body: (await response.json()) as { data: Listed[]; nextCursor: string | null; message?: string } };
}

/** Every notification a caller sees (all pages), optionally of one payment. */
async function seenBy(caller: TestUser, query = '', paymentId?: string): Promise<Listed[]> {
  const all: Listed[] = [];
  let cursor: string | null = null;
  do {
    const { status, body }: Awaited<ReturnType<typeof list>> = await list(
      caller,
      [query, 'limit=100', cursor ? `cursor=${cursor}` : ''].filter(Boolean).join('&'),
    );
    expect({ query, status }).toEqual({ query, status: 200 });
    all.push(...body.data);
    cursor = body.nextCursor;
  } while (cursor);
  return paymentId ? all.filter((n) => n.paymentId === paymentId) : all;
}

/** Who got what about which subject, in an order that does not depend on creation times. */
const briefly = (notifications: Listed[]) =>
  notifications.map((n) => [n.type, n.recipientVpa ?? '(no vpa)', n.refundId ?? '-', n.disputeId ?? '-'].join(' ')).sort();
const brief = (...lines: Array<[string, string | null, string | null, string | null]>) =>
  lines.map(([type, vpa, refundId, disputeId]) => [type, vpa ?? '(no vpa)', refundId ?? '-', disputeId ?? '-'].join(' ')).sort();

/** Puts events on their topics (each payment's events keyed by it, so in order). */
async function deliver(...events: AnyPaymentEvent[]): Promise<void> {
  for (const event of events) {
    await kafka.send(EventCatalog[event.type].topic, [{ key: event.paymentId, value: JSON.stringify(event) }]);
  }
}

/** The same event under a new id: the same fact told twice. */
const again = <E extends AnyPaymentEvent>(event: E): E => ({ ...event, eventId: randomUUID() });

/**
 * Once everything sent so far about a payment has been handled: a poison message behind its events
 * on each topic it has events on (same key, so same partition) reaching the dead-letter topic
 * means they were applied.
 */
async function settled(paymentId: string): Promise<void> {
  const barriers = [Topics.PaymentEvents, Topics.DisputeEvents].map((topic) => ({ topic, value: `barrier-${randomUUID()}` }));
  for (const { topic, value } of barriers) await kafka.send(topic, [{ key: paymentId, value }]);
  await kafka.read(deadLetterTopic('notifications'), (m) => barriers.every((b) => m.some((x) => x.value === b.value)));
}

/** What the service announced about a payment, once it has handled and published everything about it. */
async function announced(paymentId: string): Promise<Array<PayloadOf<'PaymentNotified'>['notifications']>> {
  await settled(paymentId);
  const dataSource = service.app.get(DataSource);
  await eventually(async () => expect(await dataSource.query('SELECT 1 FROM outbox')).toEqual([]));
  const marker = `marker-${randomUUID()}`;
  await kafka.send(Topics.NotificationEvents, [{ key: paymentId, value: marker }]);
  const messages = await kafka.read(Topics.NotificationEvents, (m) => m.some((x) => x.value === marker));
  return messages
    .filter((m) => m.key === paymentId && m.value !== marker)
    .map((m) => JSON.parse(m.value!) as AnyPaymentEvent)
    .map((event) => {
      expect(event).toMatchObject({ type: 'PaymentNotified', producer: 'notifications', paymentId });
      return (event.payload as PayloadOf<'PaymentNotified'>).notifications;
    });
}

/** A payment of alice's to bob, with the users who held their VPAs. */
async function aPayment() {
  const [alice, bob] = await Promise.all([newUser(), newUser()]);
  const paymentId = randomUUID();
  const parties = { payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', payerUserId: alice.userId, payeeUserId: bob.userId };
  const now = new Date().toISOString();

  function refund(type: 'RefundSucceeded', options?: { requestedBy?: TestUser; disputeId?: string }): AnyPaymentEvent;
  function refund(type: 'RefundFailed', options?: { requestedBy?: TestUser; disputeId?: string }): AnyPaymentEvent;
  function refund(type: 'RefundSucceeded' | 'RefundFailed', { requestedBy = bob, disputeId = null as string | null } = {}) {
    const facts = {
      ...parties,
      refundId: randomUUID(),
      amountPaise: 2550,
      currency: 'INR' as const,
      reason: 'returned',
      disputeId,
      requestedByUserId: requestedBy.userId,
      requestedAt: now,
      completedAt: now,
    };
    return type === 'RefundSucceeded'
      ? createEvent('RefundSucceeded', paymentId, facts, 'payments')
      : createEvent('RefundFailed', paymentId, { ...facts, failureReason: 'INSUFFICIENT_FUNDS' }, 'payments');
  }

  const disputeId = randomUUID();
  const disputeFacts = { ...parties, disputeId, amountPaise: 12550, reason: 'NOT_RECEIVED' as const };
  const dispute = <T extends EventType>(type: T, extra: object) =>
    createEvent(type, paymentId, { ...disputeFacts, ...extra } as PayloadOf<T>, 'disputes') as unknown as AnyPaymentEvent;
  const comment = (authorRole: 'PAYER' | 'PAYEE' | 'OPERATOR', author: TestUser) =>
    dispute('DisputeCommented', { commentId: randomUUID(), authorUserId: author.userId, authorRole, commentedAt: now });

  return { alice, bob, paymentId, disputeId, refund, dispute, comment, now };
}

const refundIdOf = (event: AnyPaymentEvent) => (event.payload as { refundId: string }).refundId;

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Notifications', description: '', module: NotificationsModule.forRoot(config) });
  [operator, otherOperator] = await Promise.all([newOperator(), newOperator()]);
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('refunds', () => {
  it('tells the payee it sent and the payer it received a refund, once however often it is delivered, and announces it once', async () => {
    const { alice, bob, paymentId, refund } = await aPayment();
    const succeeded = refund('RefundSucceeded');
    const refundId = refundIdOf(succeeded);
    await deliver(succeeded, succeeded, again(succeeded));
    await settled(paymentId);

    expect(briefly(await seenBy(operator, '', paymentId))).toEqual(
      brief(['REFUND_SENT', 'bob@okbank', refundId, null], ['REFUND_RECEIVED', 'alice@okbank', refundId, null]),
    );
    expect(await seenBy(bob)).toEqual([
      {
        id: expect.any(String),
        paymentId,
        refundId,
        disputeId: null,
        recipientVpa: 'bob@okbank',
        type: 'REFUND_SENT',
        message: 'You refunded ₹25.50 to alice@okbank',
        createdAt: expect.any(String),
      },
    ]);
    expect(await seenBy(alice, 'vpa=alice@okbank')).toEqual([
      expect.objectContaining({ refundId, type: 'REFUND_RECEIVED', message: 'You received a refund of ₹25.50 from bob@okbank' }),
    ]);
    expect(await announced(paymentId)).toEqual([
      [
        { recipientVpa: 'bob@okbank', type: 'REFUND_SENT' },
        { recipientVpa: 'alice@okbank', type: 'REFUND_RECEIVED' },
      ],
    ]);
  });

  it('tells each of two refunds of one payment: two REFUND_SENT, two REFUND_RECEIVED', async () => {
    const { bob, paymentId, refund } = await aPayment();
    const [first, second] = [refund('RefundSucceeded'), refund('RefundSucceeded')];
    await deliver(first, second, again(first), second);
    await settled(paymentId);

    expect(briefly(await seenBy(operator, '', paymentId))).toEqual(
      brief(
        ['REFUND_SENT', 'bob@okbank', refundIdOf(first), null],
        ['REFUND_RECEIVED', 'alice@okbank', refundIdOf(first), null],
        ['REFUND_SENT', 'bob@okbank', refundIdOf(second), null],
        ['REFUND_RECEIVED', 'alice@okbank', refundIdOf(second), null],
      ),
    );
    expect((await seenBy(bob, 'type=REFUND_SENT')).map((n) => n.refundId).sort()).toEqual([refundIdOf(first), refundIdOf(second)].sort());
    expect(await announced(paymentId)).toHaveLength(2);
  });

  it('keeps the payment’s own notifications beside its refunds’', async () => {
    const { alice, bob, paymentId, refund, now } = await aPayment();
    const paid = createEvent(
      'PaymentSucceeded',
      paymentId,
      {
        payerVpa: 'alice@okbank',
        payeeVpa: 'bob@okbank',
        amountPaise: 12550,
        currency: 'INR',
        items: [],
        createdAt: now,
        payerUserId: alice.userId,
        payeeUserId: bob.userId,
        completedAt: now,
      },
      'payments',
    );
    const refunded = refund('RefundSucceeded');
    await deliver(paid, refunded, again(paid));
    await settled(paymentId);
    expect(briefly(await seenBy(alice))).toEqual(
      brief(['PAYMENT_SENT', 'alice@okbank', null, null], ['REFUND_RECEIVED', 'alice@okbank', refundIdOf(refunded), null]),
    );
  });

  it('tells the payee who asked, at their VPA, that their refund failed and why', async () => {
    const { alice, bob, paymentId, refund } = await aPayment();
    const failed = refund('RefundFailed');
    await deliver(failed, again(failed));
    await settled(paymentId);
    expect(await seenBy(bob)).toEqual([
      expect.objectContaining({
        paymentId,
        refundId: refundIdOf(failed),
        recipientVpa: 'bob@okbank',
        type: 'REFUND_FAILED',
        message: 'Your refund of ₹25.50 to alice@okbank failed: your balance is too low',
      }),
    ]);
    expect(await seenBy(alice)).toEqual([]);
    expect(await announced(paymentId)).toEqual([[{ recipientVpa: 'bob@okbank', type: 'REFUND_FAILED' }]]);
  });

  it('tells an operator who asked, at no VPA, that a refund failed: operators see it, the parties do not', async () => {
    const { alice, bob, paymentId, disputeId, refund } = await aPayment();
    const failed = refund('RefundFailed', { requestedBy: operator });
    const ofDispute = refund('RefundFailed', { requestedBy: otherOperator, disputeId });
    await deliver(failed, again(failed), ofDispute, ofDispute);
    await settled(paymentId);

    const expected = brief(['REFUND_FAILED', null, refundIdOf(failed), null], ['REFUND_FAILED', null, refundIdOf(ofDispute), disputeId]);
    expect(briefly(await seenBy(operator, '', paymentId))).toEqual(expected);
    expect(briefly(await seenBy(otherOperator, 'type=REFUND_FAILED', paymentId))).toEqual(expected);
    expect((await seenBy(operator, '', paymentId)).map((n) => n.message).sort()).toEqual([
      "The refund of ₹25.50 on alice@okbank's payment to bob@okbank (for its dispute) failed: the payee's balance is too low",
      "The refund of ₹25.50 on alice@okbank's payment to bob@okbank failed: the payee's balance is too low",
    ]);
    for (const party of [alice, bob]) {
      expect(await seenBy(party)).toEqual([]);
      expect(await seenBy(party, 'type=REFUND_FAILED')).toEqual([]);
    }
    expect(await announced(paymentId)).toEqual([
      [{ recipientVpa: null, type: 'REFUND_FAILED' }],
      [{ recipientVpa: null, type: 'REFUND_FAILED' }],
    ]);
  });

  it('shows a failed refund told to no VPA to the user who asked as a user, too (an operator who has since lost the role)', async () => {
    const { paymentId, refund } = await aPayment();
    const former = await newUser(); // no operator role (any more)
    const failed = refund('RefundFailed', { requestedBy: former });
    await deliver(failed);
    await settled(paymentId);
    expect(briefly(await seenBy(former))).toEqual(brief(['REFUND_FAILED', null, refundIdOf(failed), null]));
    const stranger = await newUser();
    expect(await seenBy(stranger)).toEqual([]);
  });
});

describe('disputes', () => {
  it('tells the payee that a dispute was opened, once', async () => {
    const { alice, bob, paymentId, disputeId, dispute, now } = await aPayment();
    const opened = dispute('DisputeOpened', { openedAt: now });
    await deliver(opened, opened, again(opened));
    await settled(paymentId);
    expect(await seenBy(bob)).toEqual([
      expect.objectContaining({
        paymentId,
        refundId: null,
        disputeId,
        recipientVpa: 'bob@okbank',
        type: 'DISPUTE_OPENED',
        message: 'alice@okbank disputes ₹125.50 of their payment to you: they say they did not receive what they paid for',
      }),
    ]);
    expect(await seenBy(alice)).toEqual([]);
    expect(await announced(paymentId)).toEqual([[{ recipientVpa: 'bob@okbank', type: 'DISPUTE_OPENED' }]]);
  });

  it('tells the other parties of each comment, each once', async () => {
    const { alice, bob, paymentId, disputeId, comment } = await aPayment();
    const byPayer = comment('PAYER', alice);
    const byPayee = comment('PAYEE', bob);
    const byOperator = comment('OPERATOR', operator);
    const byPayerAgain = comment('PAYER', alice); // a second comment: told too
    await deliver(byPayer, byPayee, byOperator, byPayerAgain, byPayer, again(byPayee), again(byOperator));
    await settled(paymentId);

    expect(briefly(await seenBy(bob))).toEqual(
      brief(
        ['DISPUTE_COMMENTED', 'bob@okbank', null, disputeId],
        ['DISPUTE_COMMENTED', 'bob@okbank', null, disputeId],
        ['DISPUTE_COMMENTED', 'bob@okbank', null, disputeId],
      ),
    );
    expect((await seenBy(bob)).map((n) => n.message).sort()).toEqual([
      "An operator commented on the dispute of ₹125.50 about alice@okbank's payment to you",
      "alice@okbank commented on the dispute of ₹125.50 about alice@okbank's payment to you",
      "alice@okbank commented on the dispute of ₹125.50 about alice@okbank's payment to you",
    ]);
    expect((await seenBy(alice)).map((n) => n.message).sort()).toEqual([
      'An operator commented on your dispute of ₹125.50 about your payment to bob@okbank',
      'bob@okbank commented on your dispute of ₹125.50 about your payment to bob@okbank',
    ]);
    expect((await announced(paymentId)).map((notifications) => notifications.map((n) => n.recipientVpa))).toEqual([
      ['bob@okbank'],
      ['alice@okbank'],
      ['alice@okbank', 'bob@okbank'],
      ['bob@okbank'],
    ]);
  });

  it('tells payer and payee of a resolution, and for whom', async () => {
    const { alice, bob, paymentId, disputeId, dispute, now } = await aPayment();
    const resolved = dispute('DisputeResolved', { outcome: 'PAYER', resolvedByUserId: operator.userId, resolvedAt: now });
    await deliver(resolved, again(resolved));
    await settled(paymentId);
    expect(await seenBy(alice)).toEqual([
      expect.objectContaining({
        disputeId,
        recipientVpa: 'alice@okbank',
        type: 'DISPUTE_RESOLVED',
        message: 'Your dispute of ₹125.50 about your payment to bob@okbank was resolved in your favour: ₹125.50 is being refunded to you',
      }),
    ]);
    expect(await seenBy(bob)).toEqual([
      expect.objectContaining({
        disputeId,
        recipientVpa: 'bob@okbank',
        type: 'DISPUTE_RESOLVED',
        message:
          "The dispute of ₹125.50 about alice@okbank's payment to you was resolved in favour of alice@okbank: ₹125.50 is being refunded from your account",
      }),
    ]);
  });

  it('tells nobody of a review started or a withdrawal', async () => {
    const { paymentId, dispute, now } = await aPayment();
    await deliver(
      dispute('DisputeReviewStarted', { reviewerUserId: operator.userId, reviewStartedAt: now }),
      dispute('DisputeWithdrawn', { withdrawnAt: now }),
    );
    await settled(paymentId);
    expect(await seenBy(operator, '', paymentId)).toEqual([]);
    expect(await announced(paymentId)).toEqual([]);
  });

  it('tells operators of an escalated dispute, at no VPA and no user: every operator sees it, no user does', async () => {
    const { alice, bob, paymentId, disputeId, dispute, now } = await aPayment();
    const escalated = dispute('DisputeEscalated', { openedAt: now, escalatedAt: now });
    await deliver(escalated, escalated, again(escalated));
    await settled(paymentId);

    for (const someone of [operator, otherOperator]) {
      expect(await seenBy(someone, 'type=DISPUTE_ESCALATED', paymentId)).toEqual([
        expect.objectContaining({
          paymentId,
          refundId: null,
          disputeId,
          recipientVpa: null,
          type: 'DISPUTE_ESCALATED',
          message: expect.stringMatching(/^Escalated: the dispute of ₹125\.50 about alice@okbank's payment to bob@okbank/),
        }),
      ]);
      expect(briefly(await seenBy(someone, '', paymentId))).toEqual(brief(['DISPUTE_ESCALATED', null, null, disputeId]));
    }
    for (const user of [alice, bob, await newUser()]) {
      expect((await seenBy(user)).filter((n) => n.paymentId === paymentId)).toEqual([]);
      expect(await seenBy(user, 'type=DISPUTE_ESCALATED')).toEqual([]);
    }
    expect(await announced(paymentId)).toEqual([[{ recipientVpa: null, type: 'DISPUTE_ESCALATED' }]]);
  });
});

describe('reading by type', () => {
  it('narrows a user’s own notifications to one type, and keeps the vpa rule', async () => {
    const { alice, bob, paymentId, refund, dispute, now } = await aPayment();
    const refunded = refund('RefundSucceeded');
    await deliver(refunded, dispute('DisputeOpened', { openedAt: now }));
    await settled(paymentId);
    expect(briefly(await seenBy(bob, 'type=DISPUTE_OPENED&vpa=bob@okbank')).map((line) => line.split(' ')[0])).toEqual(['DISPUTE_OPENED']);
    expect(briefly(await seenBy(bob, 'type=REFUND_SENT'))).toEqual(brief(['REFUND_SENT', 'bob@okbank', refundIdOf(refunded), null]));
    expect(await seenBy(bob, 'type=PAYMENT_RECEIVED&vpa=bob@okbank')).toEqual([]);
    expect((await list(alice, 'vpa=bob@okbank&type=REFUND_SENT')).status).toBe(404);
  });

  it('rejects a type it does not know with 400 naming the field', async () => {
    const { status, body } = await list(operator, 'type=PAYMENT_LOST');
    expect(status).toBe(400);
    expect(body.message).toContain('type');
  });
});
