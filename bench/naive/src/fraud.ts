// Naive fraud: one initiated payment per handler call, the rules' state read and written through
// repositories, the verdict emitted.
import { Controller, Injectable, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { And, LessThan, MoreThan, Not, Repository } from 'typeorm';
import { AnyEvent, createEvent, database, DomainEvent, EventPublisher, KafkaClientModule, TOPICS } from './common';
import { Assessment, KnownPayee, SeenPayment } from './entities';
import { HealthController } from './health';

const BLOCKED = (process.env.FRAUD_BLOCKED_VPAS ?? '')
  .split(',')
  .map((v) => v.trim().toLowerCase())
  .filter(Boolean);
const LIMIT = Number(process.env.FRAUD_VELOCITY_LIMIT ?? 10);
const WINDOW_MS = Number(process.env.FRAUD_VELOCITY_WINDOW_S ?? 60) * 1000;
const HIGH_AMOUNT_PAISE = 1_000_000;

@Injectable()
export class FraudService {
  constructor(
    @InjectRepository(Assessment) private readonly assessments: Repository<Assessment>,
    @InjectRepository(SeenPayment) private readonly seen: Repository<SeenPayment>,
    @InjectRepository(KnownPayee) private readonly knownPayees: Repository<KnownPayee>,
    private readonly publisher: EventPublisher,
  ) {}

  async assess(event: DomainEvent<'PaymentInitiated'>) {
    const { paymentId, payload } = event;
    if (await this.assessments.existsBy({ paymentId })) return;
    const payerVpa = payload.payerVpa.toLowerCase();
    const payeeVpa = payload.payeeVpa.toLowerCase();
    const createdAt = new Date(payload.createdAt);
    const recent = await this.seen.count({
      where: {
        payerVpa,
        paymentId: Not(paymentId),
        createdAt: And(MoreThan(new Date(createdAt.getTime() - WINDOW_MS)), LessThan(new Date(createdAt.getTime() + WINDOW_MS))),
      },
    });
    const known = await this.knownPayees.existsBy({ payerVpa, payeeVpa });
    const reasons: string[] = [];
    if (BLOCKED.includes(payerVpa) || BLOCKED.includes(payeeVpa)) reasons.push('BLOCKLISTED');
    if (recent >= LIMIT) reasons.push('VELOCITY');
    if (payload.amountPaise >= HIGH_AMOUNT_PAISE && !known) reasons.push('HIGH_AMOUNT_NEW_PAYEE');
    const weights: Record<string, number> = { BLOCKLISTED: 100, VELOCITY: 70, HIGH_AMOUNT_NEW_PAYEE: 60 };
    const score = Math.min(
      100,
      reasons.reduce((sum, r) => sum + weights[r], 0),
    );
    const decision = reasons.length ? 'REJECTED' : 'APPROVED';
    const assessedAt = new Date();
    await this.seen.save(this.seen.create({ paymentId, payerVpa, createdAt }));
    await this.assessments.save(this.assessments.create({ paymentId, decision, score, reasons, assessedAt }));
    await this.publisher.publish(
      TOPICS.fraud,
      createEvent('FraudAssessed', paymentId, { decision, score, reasons, assessedAt: assessedAt.toISOString() }, assessedAt),
    );
  }

  async rememberPayee(event: DomainEvent<'PaymentSucceeded'>) {
    const payerVpa = event.payload.payerVpa.toLowerCase();
    const payeeVpa = event.payload.payeeVpa.toLowerCase();
    if (await this.knownPayees.existsBy({ payerVpa, payeeVpa })) return;
    await this.knownPayees.save(this.knownPayees.create({ payerVpa, payeeVpa, firstPaidAt: new Date(event.payload.completedAt) }));
  }
}

@Controller()
export class FraudController {
  constructor(private readonly fraud: FraudService) {}

  @EventPattern(TOPICS.payments)
  async onPaymentEvent(@Payload() event: AnyEvent<'PaymentInitiated' | 'PaymentSucceeded' | 'PaymentFailed'>) {
    if (event.type === 'PaymentInitiated') await this.fraud.assess(event);
    else if (event.type === 'PaymentSucceeded') await this.fraud.rememberPayee(event);
  }
}

@Module({
  imports: [
    database([Assessment, SeenPayment, KnownPayee]),
    TypeOrmModule.forFeature([Assessment, SeenPayment, KnownPayee]),
    KafkaClientModule,
  ],
  controllers: [FraudController, HealthController],
  providers: [FraudService, EventPublisher],
})
export class FraudModule {}
