import { Controller, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createEvent, deadLetterTopic, DomainEvent, Topics } from '@app/contracts';
import { InboxPurger, KafkaEventContext, MessagingModule, MESSAGING_MIGRATIONS, Outbox, UnitOfWork } from '@app/messaging';
import { BaseEnvSchema, Database, parseEnv, PlatformModule, serviceConfig } from '@app/platform';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';

/** A handler of one event whose behaviour each test scripts per payment id. */
@Controller()
class ScriptedHandler {
  readonly calls = new Map<string, number>();
  readonly failuresBeforeSuccess = new Map<string, number>();
  /** Per payment: was the handler inside a transaction, and where did @Ctx() say the event came from. */
  readonly seen = new Map<string, { inTransaction: boolean; topic: string; offsets: string[] }>();

  constructor(private readonly db: Database) {}

  @EventPattern('FraudAssessed')
  async handle(@Payload() event: DomainEvent<'FraudAssessed'>, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const calls = (this.calls.get(event.paymentId) ?? 0) + 1;
    this.calls.set(event.paymentId, calls);
    await this.db.query('SELECT 1');
    this.seen.set(event.paymentId, {
      inTransaction: this.db.inTransaction,
      topic: ctx.getTopic(),
      offsets: ctx.getMessages().map((m) => m.offset),
    });
    if (calls <= (this.failuresBeforeSuccess.get(event.paymentId) ?? 0)) throw new Error(`scripted failure ${calls}`);
  }
}

/** A handler of whole chunks: records each call's events. */
@Controller()
class BatchProbe {
  readonly calls: string[][] = [];

  constructor(private readonly db: Database) {}

  @EventPattern(['StockReserved', 'StockRejected'], { batch: true })
  async handle(@Payload() events: Array<DomainEvent<'StockReserved' | 'StockRejected'>>): Promise<void> {
    await this.db.query('SELECT 1');
    this.calls.push(events.map((e) => e.eventId));
  }
}

const env = testEnv('messaging', { MESSAGE_MAX_ATTEMPTS: '3' });
const config = serviceConfig('probe', 0, parseEnv(BaseEnvSchema, env));

@Module({
  imports: [PlatformModule.forRoot({ config, migrations: MESSAGING_MIGRATIONS }), MessagingModule.forRoot({ config })],
  controllers: [ScriptedHandler, BatchProbe],
})
class ProbeModule {}

const kafka = new TestKafka(env);
let service: RunningService;
let handler: ScriptedHandler;

const assessed = () => ({ decision: 'APPROVED' as const, score: 0, reasons: [], assessedAt: new Date().toISOString() });

/**
 * Puts a poison message on the payment's partition and waits until it is dead-lettered: whatever
 * the consumer did with the payment's earlier messages is done by then, and any dead letter of
 * theirs precedes it on the same dead-letter partition (dead letters keep the original key).
 */
async function deadLettersBefore(paymentId: string): Promise<string[]> {
  const marker = `marker ${randomUUID()}`;
  await kafka.send(Topics.FraudEvents, [{ key: paymentId, value: marker }]);
  const parked = await kafka.read(deadLetterTopic('probe'), (m) => m.some((x) => x.value === marker));
  return parked.filter((m) => m.key === paymentId && m.value !== marker).map((m) => m.headers['dlq-error']);
}

beforeAll(async () => {
  service = await startServiceApp({ config, title: 'probe', description: '', module: ProbeModule });
  handler = service.app.get(ScriptedHandler);
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('messaging runtime', () => {
  it('hands an @EventPattern handler its event through @Payload() and its origin through @Ctx(), inside the transaction', async () => {
    const paymentId = randomUUID();
    await kafka.publish('FraudAssessed', paymentId, assessed());
    await eventually(() =>
      expect(handler.seen.get(paymentId)).toEqual({
        inTransaction: true,
        topic: kafka.topic(Topics.FraudEvents),
        offsets: [expect.stringMatching(/^\d+$/)],
      }),
    );
  });

  it('applies a redelivered event once', async () => {
    const paymentId = randomUUID();
    const event = await kafka.publish('FraudAssessed', paymentId, assessed());
    await kafka.send(Topics.FraudEvents, [{ key: paymentId, value: JSON.stringify(event) }]);
    const marker = randomUUID();
    await kafka.publish('FraudAssessed', marker, assessed());
    await eventually(() => expect(handler.calls.get(marker)).toBe(1));
    expect(handler.calls.get(paymentId)).toBe(1);
  });

  it('retries a failing handler and then applies the event', async () => {
    const paymentId = randomUUID();
    handler.failuresBeforeSuccess.set(paymentId, 2);
    await kafka.publish('FraudAssessed', paymentId, assessed());
    await eventually(() => expect(handler.calls.get(paymentId)).toBe(3));
    expect(await deadLettersBefore(paymentId)).toEqual([]);
  });

  it('dead-letters after the last attempt, with the error and origin, and moves on', async () => {
    const paymentId = randomUUID();
    handler.failuresBeforeSuccess.set(paymentId, 99);
    await kafka.publish('FraudAssessed', paymentId, assessed());
    const after = randomUUID();
    await kafka.publish('FraudAssessed', after, assessed());

    const parked = await kafka.read(deadLetterTopic('probe'), (m) => m.some((x) => x.key === paymentId));
    const letter = parked.find((m) => m.key === paymentId)!;
    expect(letter.headers).toMatchObject({
      'dlq-error': expect.stringMatching(/^scripted failure \d+$/),
      'dlq-attempts': '3',
      'dlq-service': 'probe',
      'dlq-origin-topic': kafka.topic(Topics.FraudEvents),
    });
    // Three attempts of its own, after one more inside a chunk when it was fetched together with the next message.
    const calls = handler.calls.get(paymentId);
    expect([3, 4]).toContain(calls);
    expect(letter.headers['dlq-error']).toBe(`scripted failure ${calls}`);
    await eventually(() => expect(handler.calls.get(after)).toBe(1));
  });

  it('applies a batch together, and one failing event in it holds back none of the others', async () => {
    const ids = Array.from({ length: 30 }, () => randomUUID());
    const poisoned = ids[17];
    handler.failuresBeforeSuccess.set(poisoned, 99);
    const events = ids.map((id) => createEvent('FraudAssessed', id, assessed(), 'tests'));
    await kafka.send(
      Topics.FraudEvents,
      events.map((event) => ({ key: event.paymentId, value: JSON.stringify(event) })),
    );
    await eventually(() => {
      for (const id of ids.filter((id) => id !== poisoned)) expect(handler.calls.get(id)).toBeGreaterThanOrEqual(1);
    });
    const parked = await kafka.read(deadLetterTopic('probe'), (m) => m.some((x) => x.key === poisoned));
    expect(parked.filter((m) => m.key === poisoned)).toHaveLength(1);
    // Applied exactly once each: a rolled-back chunk leaves no trace, the retry applies it for good.
    const rows = await service.app
      .get(DataSource)
      .query('SELECT event_id FROM processed_events WHERE event_id = ANY($1::uuid[])', [events.map((e) => e.eventId)]);
    expect(rows).toHaveLength(29);
  });

  it('gives a batch handler the fresh events of a chunk at once, of all its types, duplicates left out', async () => {
    const probe = service.app.get(BatchProbe);
    const paymentId = randomUUID();
    const events = Array.from({ length: 20 }, (_, i) =>
      i % 2
        ? createEvent('StockReserved', paymentId, { items: [{ sku: 'SKU-1', quantity: 1 }] }, 'tests')
        : createEvent(
            'StockRejected',
            paymentId,
            { items: [{ sku: 'SKU-1', quantity: 1 }], reason: 'INSUFFICIENT_STOCK', skus: ['SKU-1'] },
            'tests',
          ),
    );
    const values = [...events, events[3], events[7]].map((event) => ({ key: paymentId, value: JSON.stringify(event) }));
    await kafka.send(Topics.InventoryEvents, values); // one produce request: one fetch, one chunk
    const ids = events.map((e) => e.eventId);
    await eventually(() =>
      expect(
        probe.calls
          .flat()
          .filter((id) => ids.includes(id))
          .sort(),
      ).toEqual([...ids].sort()),
    );
    expect(probe.calls.filter((call) => call.some((id) => ids.includes(id)))).toEqual([ids]);
  });

  it('forgets applied event ids older than INBOX_RETENTION_H, and only those', async () => {
    const db = service.app.get(Database);
    const hours = config.messaging.inboxRetentionHours;
    const age = (id: string, h: number) =>
      db.query(`UPDATE processed_events SET processed_at = now() - make_interval(hours => $2) WHERE event_id = $1`, [id, h]);
    const [old, recent] = [randomUUID(), randomUUID()];
    await db.query(`INSERT INTO processed_events (event_id, event_type) VALUES ($1, 'FraudAssessed'), ($2, 'FraudAssessed')`, [
      old,
      recent,
    ]);
    await age(old, hours + 1);
    await age(recent, hours - 1);

    expect(await service.app.get(InboxPurger).purgeOnce()).toBeGreaterThanOrEqual(1);
    const left = await db.query<{ event_id: string }>('SELECT event_id FROM processed_events WHERE event_id = ANY($1::uuid[])', [
      [old, recent],
    ]);
    expect(left.map((row) => row.event_id)).toEqual([recent]);
  });

  it('group commit: concurrent units of work share a commit, and a failing one is rolled back alone', async () => {
    const uow = service.app.get(UnitOfWork);
    const outbox = service.app.get(Outbox);
    const ids = Array.from({ length: 12 }, () => randomUUID());
    const results = await Promise.allSettled(
      ids.map((id, index) =>
        uow.runGrouped(async () => {
          await outbox.add([createEvent('FraudAssessed', id, assessed(), 'probe')]);
          if (index === 4) throw new Error('this one fails');
          return id;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(ids.map((_, index) => (index === 4 ? 'rejected' : 'fulfilled')));
    const published = await kafka.read(
      Topics.FraudEvents,
      (m) => ids.filter((id, i) => i !== 4 && m.some((x) => x.key === id)).length === 11,
    );
    expect(new Set(published.map((m) => m.key)).has(ids[4])).toBe(false);
  });

  it('group commit: a unit that loses a deadlock to another shared transaction is tried again alone, not failed', async () => {
    const uow = service.app.get(UnitOfWork);
    const db = service.app.get(Database);
    const table = `locks_${randomUUID().slice(0, 8)}`;
    await db.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await db.query(`INSERT INTO ${table} VALUES (1), (2)`);
    const lock = (id: number) => db.query(`SELECT id FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
    let firstHolds!: () => void;
    const firstHolding = new Promise<void>((resolve) => (firstHolds = resolve));
    let secondHolds!: () => void;
    const secondHolding = new Promise<void>((resolve) => (secondHolds = resolve));
    // Two units in two shared transactions (the second is queued while the first is in flight),
    // taking the same two rows in opposite orders: PostgreSQL aborts one of them as a deadlock.
    const first = uow.runGrouped(async () => {
      await lock(1);
      firstHolds();
      await secondHolding;
      await lock(2);
      return 'first';
    });
    await firstHolding;
    const second = uow.runGrouped(async () => {
      await lock(2);
      secondHolds();
      await lock(1);
      return 'second';
    });
    expect(await Promise.all([first, second])).toEqual(['first', 'second']);
  });

  it('refuses to write to the outbox outside a transaction (no dual writes)', async () => {
    const outbox = service.app.get(Outbox);
    await expect(outbox.add([createEvent('FraudAssessed', randomUUID(), assessed(), 'probe')])).rejects.toThrow(
      'must run inside a transaction',
    );
  });

  it('publishes the outbox in order, per payment, only once committed', async () => {
    const paymentId = randomUUID();
    const uow = service.app.get(UnitOfWork);
    const outbox = service.app.get(Outbox);
    const events = Array.from({ length: 30 }, () => createEvent('FraudAssessed', paymentId, assessed(), 'probe'));
    for (let i = 0; i < events.length; i += 10) {
      await uow.run(() => outbox.add(events.slice(i, i + 10)));
    }
    await expect(
      uow.run(async () => {
        await outbox.add([createEvent('FraudAssessed', paymentId, assessed(), 'probe')]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // Committed after the rollback: were the rolled-back event published, it would come before this one.
    const marker = createEvent('FraudAssessed', paymentId, assessed(), 'probe');
    await uow.run(() => outbox.add([marker]));

    const published = await kafka.eventsOf(Topics.FraudEvents, paymentId, (e) => e.some((x) => x.eventId === marker.eventId));
    expect(published.map((e) => e.eventId)).toEqual([...events, marker].map((e) => e.eventId));
  });
});
