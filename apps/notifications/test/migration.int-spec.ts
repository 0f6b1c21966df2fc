import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUTH_MIGRATIONS } from '@app/auth';
import { deadLetterTopic, Topics } from '@app/contracts';
import { MESSAGING_MIGRATIONS } from '@app/messaging';
import { dataSourceOptions, prepareDatabase, runMigrations } from '@app/platform';
import { testEnv } from '../../../test/support/env';
import { eventually } from '../../../test/support/eventually';
import { newOperator, newUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { Notifications1763700000100 } from '../src/migrations/1763700000100-notifications';
import { RecipientUser1764700000100 } from '../src/migrations/1764700000100-recipient-user';
import { NotificationsModule } from '../src/notifications.module';

/*
 * The subjects migration on a table written before refunds and disputes: its rows stay valid and
 * readable, and the old key (one per payment, recipient and type) still holds for them.
 */
const env = testEnv('notifications_migration');
const kafka = new TestKafka(env);
const config = loadConfig(env);
let service: RunningService | undefined;

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

it('keeps the notifications stored before it, and their key', async () => {
  const [alice, bob, operator] = await Promise.all([newUser(), newUser(), newOperator()]);
  const paymentId = randomUUID();

  // The table as the previous release left it, with a payment's two notifications in it.
  await prepareDatabase(config.database.url, config.database.schema);
  const before = new DataSource(
    dataSourceOptions(config, [...MESSAGING_MIGRATIONS, Notifications1763700000100, ...AUTH_MIGRATIONS, RecipientUser1764700000100]),
  );
  await before.initialize();
  try {
    await runMigrations(before, config.database.schema);
    await before.query(
      `INSERT INTO notifications (id, payment_id, recipient_vpa, recipient_user_id, type, message, created_at)
       VALUES ($1, $3, 'alice@okbank', $4, 'PAYMENT_SENT', 'You paid ₹125.50 to bob@okbank', '2026-01-01T00:00:00Z'),
              ($2, $3, 'bob@okbank', $5, 'PAYMENT_RECEIVED', 'You received ₹125.50 from alice@okbank', '2026-01-01T00:00:00Z')`,
      [randomUUID(), randomUUID(), paymentId, alice.userId, bob.userId],
    );
  } finally {
    await before.destroy();
  }

  service = await startServiceApp({ config, title: 'Notifications', description: '', module: NotificationsModule.forRoot(config) });
  const seenBy = async (headers: Record<string, string>) => {
    const response = await fetch(`${service!.url}/v1/notifications?limit=100`, { headers });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: Array<Record<string, unknown>> }).data.filter((n) => n.paymentId === paymentId);
  };
  expect(await seenBy(alice.headers)).toEqual([
    {
      id: expect.any(String),
      paymentId,
      refundId: null,
      disputeId: null,
      recipientVpa: 'alice@okbank',
      type: 'PAYMENT_SENT',
      message: 'You paid ₹125.50 to bob@okbank',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  ]);

  // The same outcome told again after the migration stores nothing new: the rows are about their payment.
  const now = new Date().toISOString();
  await kafka.publish('PaymentSucceeded', paymentId, {
    payerVpa: 'alice@okbank',
    payeeVpa: 'bob@okbank',
    amountPaise: 12550,
    currency: 'INR',
    items: [],
    createdAt: now,
    payerUserId: alice.userId,
    payeeUserId: bob.userId,
    completedAt: now,
  });
  const barrier = `barrier-${randomUUID()}`;
  await kafka.send(Topics.PaymentEvents, [{ key: paymentId, value: barrier }]);
  await kafka.read(deadLetterTopic('notifications'), (m) => m.some((x) => x.value === barrier));
  expect((await seenBy(operator.headers)).map((n) => n.type).sort()).toEqual(['PAYMENT_RECEIVED', 'PAYMENT_SENT']);
  const rows: Array<{ subject_id: string }> = await service.app.get(DataSource).query('SELECT subject_id FROM notifications');
  expect(rows).toEqual([{ subject_id: paymentId }, { subject_id: paymentId }]);

  // ...and a refund of the payment is told beside them.
  await kafka.publish('RefundSucceeded', paymentId, {
    refundId: randomUUID(),
    payerVpa: 'alice@okbank',
    payeeVpa: 'bob@okbank',
    amountPaise: 100,
    currency: 'INR',
    reason: 'returned',
    disputeId: null,
    requestedByUserId: bob.userId,
    payerUserId: alice.userId,
    payeeUserId: bob.userId,
    requestedAt: now,
    completedAt: now,
  });
  await eventually(async () =>
    expect((await seenBy(alice.headers)).map((n) => n.type).sort()).toEqual(['PAYMENT_SENT', 'REFUND_RECEIVED']),
  );
});
