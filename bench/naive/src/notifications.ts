// Naive notifications: a notice per recipient, each saved on its own, then PaymentNotified.
import { Controller, Injectable, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { AnyEvent, createEvent, database, EventPublisher, formatPaise, KafkaClientModule, TOPICS } from './common';
import { Notification } from './entities';
import { HealthController } from './health';

/** Why a payment failed, in the payer's words (the service's wording). */
const FAILURE_IN_WORDS: Record<string, string> = {
  FRAUD_REJECTED: 'it was declined by the risk check',
  OUT_OF_STOCK: 'an item is out of stock',
  EXPIRED: 'it was not completed in time',
  INSUFFICIENT_FUNDS: 'your balance is too low',
  DAILY_LIMIT_EXCEEDED: "it would pass today's limit for your account",
  ACCOUNT_CLOSED: "your account or the payee's account is closed",
};

@Injectable()
export class NotificationsService {
  constructor(
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    private readonly publisher: EventPublisher,
  ) {}

  async notify(event: AnyEvent<'PaymentSucceeded' | 'PaymentFailed'>) {
    const p = event.payload;
    const amount = `₹${formatPaise(p.amountPaise)}`;
    const planned =
      event.type === 'PaymentSucceeded'
        ? [
            { recipientVpa: p.payerVpa, type: 'PAYMENT_SENT', message: `You paid ${amount} to ${p.payeeVpa}` },
            { recipientVpa: p.payeeVpa, type: 'PAYMENT_RECEIVED', message: `You received ${amount} from ${p.payerVpa}` },
          ]
        : [
            {
              recipientVpa: p.payerVpa,
              type: 'PAYMENT_FAILED',
              message: `Your payment of ${amount} to ${p.payeeVpa} failed: ${FAILURE_IN_WORDS[p.failureReason ?? '']}`,
            },
          ];
    for (const n of planned) {
      await this.notifications.save(
        this.notifications.create({ id: randomUUID(), paymentId: event.paymentId, ...n, createdAt: new Date() }),
      );
    }
    await this.publisher.publish(
      TOPICS.notifications,
      createEvent('PaymentNotified', event.paymentId, { notifications: planned.map(({ recipientVpa, type }) => ({ recipientVpa, type })) }),
    );
  }
}

@Controller()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @EventPattern(TOPICS.payments)
  async onPaymentEvent(@Payload() event: AnyEvent<'PaymentInitiated' | 'PaymentSucceeded' | 'PaymentFailed'>) {
    if (event.type === 'PaymentSucceeded' || event.type === 'PaymentFailed') await this.notifications.notify(event);
  }
}

@Module({
  imports: [database([Notification]), TypeOrmModule.forFeature([Notification]), KafkaClientModule],
  controllers: [NotificationsController, HealthController],
  providers: [NotificationsService, EventPublisher],
})
export class NotificationsModule {}
