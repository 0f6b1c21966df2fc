// Naive analytics: every event saved as it arrived, one fact row per payment, PaymentRecorded once final.
import { Controller, Injectable, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AnyEvent, createEvent, database, EventPublisher, KafkaClientModule, TOPICS } from './common';
import { LifecycleEvent, PaymentFact } from './entities';
import { HealthController } from './health';

@Injectable()
export class AnalyticsService {
  constructor(
    @InjectRepository(LifecycleEvent) private readonly events: Repository<LifecycleEvent>,
    @InjectRepository(PaymentFact) private readonly facts: Repository<PaymentFact>,
    private readonly publisher: EventPublisher,
  ) {}

  async record(event: AnyEvent) {
    await this.events.save(
      this.events.create({
        eventId: event.eventId,
        paymentId: event.paymentId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        occurredAt: new Date(event.occurredAt),
        producer: event.producer,
        payload: event.payload,
        recordedAt: new Date(),
      }),
    );
    if (event.type === 'PaymentInitiated') {
      const p = event.payload;
      if (await this.facts.existsBy({ paymentId: event.paymentId })) return;
      await this.facts.save(
        this.facts.create({
          paymentId: event.paymentId,
          createdAt: new Date(p.createdAt),
          status: 'PENDING',
          failureReason: null,
          amountPaise: String(p.amountPaise),
          completedAt: null,
          latencyMs: null,
        }),
      );
    } else if (event.type === 'PaymentSucceeded' || event.type === 'PaymentFailed') {
      const p = event.payload;
      const existing = await this.facts.findOneBy({ paymentId: event.paymentId });
      if (existing && existing.status !== 'PENDING') return;
      const status = event.type === 'PaymentSucceeded' ? 'SUCCEEDED' : 'FAILED';
      const latencyMs = Math.max(0, Date.parse(p.completedAt) - Date.parse(p.createdAt));
      await this.facts.save(
        this.facts.create({
          paymentId: event.paymentId,
          createdAt: new Date(p.createdAt),
          status,
          failureReason: p.failureReason ?? null,
          amountPaise: String(p.amountPaise),
          completedAt: new Date(p.completedAt),
          latencyMs,
        }),
      );
      await this.publisher.publish(TOPICS.analytics, createEvent('PaymentRecorded', event.paymentId, { status, latencyMs }));
    }
  }
}

@Controller()
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @EventPattern(TOPICS.payments)
  onPaymentEvent(@Payload() event: AnyEvent) {
    return this.analytics.record(event);
  }

  @EventPattern(TOPICS.fraud)
  onFraudEvent(@Payload() event: AnyEvent) {
    return this.analytics.record(event);
  }

  @EventPattern(TOPICS.inventory)
  onInventoryEvent(@Payload() event: AnyEvent) {
    return this.analytics.record(event);
  }

  @EventPattern(TOPICS.notifications)
  onNotificationEvent(@Payload() event: AnyEvent) {
    return this.analytics.record(event);
  }

  @EventPattern(TOPICS.analytics)
  onAnalyticsEvent(@Payload() event: AnyEvent) {
    return this.analytics.record(event);
  }

  @EventPattern(TOPICS.ledger)
  onLedgerEvent(@Payload() event: AnyEvent) {
    return this.analytics.record(event);
  }
}

@Module({
  imports: [database([LifecycleEvent, PaymentFact]), TypeOrmModule.forFeature([LifecycleEvent, PaymentFact]), KafkaClientModule],
  controllers: [AnalyticsController, HealthController],
  providers: [AnalyticsService, EventPublisher],
})
export class AnalyticsModule {}
