// Naive payments: the payment API (Express) and the saga's decision point, one Kafka message per
// handler call, one repository.save() per write, one awaited emit per event. Access: a guard
// verifies the token (auth.ts); the payer VPA must be the caller's and the payee VPA someone's, as
// the users service's events say (one repository lookup each, one save per event).
import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  HttpCode,
  Injectable,
  Module,
  Post,
  Req,
  UnprocessableEntityException,
  UseGuards,
} from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { z } from 'zod';
import {
  AnyEvent,
  createEvent,
  database,
  DomainEvent,
  EventPublisher,
  EventType,
  formatPaise,
  KafkaClientModule,
  LineItem,
  TOPICS,
  UserEvent,
} from './common';
import { AuthenticatedRequest, JwtAuthGuard } from './auth';
import { HAS_FRAUD_SOURCE, HAS_PARTIES, Payment, TimelineStep, VpaHolder } from './entities';
import { HealthController } from './health';

const vpa = z
  .string()
  .regex(/^[A-Za-z0-9._-]{3,256}@[A-Za-z0-9]{2,64}$/)
  .transform((v) => v.toLowerCase());
const InitiatePayment = z
  .object({
    payerVpa: vpa,
    payeeVpa: vpa,
    amount: z.string().regex(/^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$/),
    currency: z.literal('INR'),
    note: z.string().max(50).optional(),
    items: z
      .array(z.object({ sku: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), quantity: z.number().int().min(1).max(1000) }).strict())
      .min(1)
      .max(20)
      .optional(),
  })
  .strict()
  .refine((b) => b.payerVpa !== b.payeeVpa, { path: ['payeeVpa'], message: 'must differ from payerVpa' });

const describe = (items: LineItem[]) => items.map((i) => `${i.quantity} × ${i.sku}`).join(', ');
/** The timeline step of each event, and what it adds. */
const STEPS: { [T in EventType]: (e: DomainEvent<T>) => [string, string | null] } = {
  PaymentInitiated: (e) => ['initiated', `${formatPaise(e.payload.amountPaise)} ${e.payload.currency}`],
  FraudAssessed: (e) => [
    'assessed',
    e.payload.reasons.length ? `${e.payload.decision}: ${e.payload.reasons.join(', ')}` : e.payload.decision,
  ],
  StockReserved: (e) => ['reserved', describe(e.payload.items)],
  StockRejected: (e) => ['rejected', `OUT_OF_STOCK: ${e.payload.reason} ${e.payload.skus.join(', ')}`],
  PaymentSucceeded: () => ['succeeded', null],
  PaymentFailed: (e) => ['failed', e.payload.failureReason],
  StockCommitted: (e) => ['committed', describe(e.payload.items)],
  StockReleased: (e) => ['released', describe(e.payload.items)],
  FundsReserved: (e) => ['funds reserved', `${formatPaise(e.payload.amountPaise)} held on ${e.payload.payerVpa}`],
  FundsRejected: (e) => ['funds rejected', e.payload.reason],
  FundsSettled: (e) => ['funds settled', `${formatPaise(e.payload.amountPaise)} ${e.payload.payerVpa} → ${e.payload.payeeVpa}`],
  FundsReleased: (e) => ['funds released', `${formatPaise(e.payload.amountPaise)} back to ${e.payload.payerVpa}`],
  PaymentNotified: (e) => ['notified', e.payload.notifications.map((n) => `${n.type} ${n.recipientVpa}`).join(', ')],
  PaymentRecorded: (e) => ['recorded', `${e.payload.status} in ${e.payload.latencyMs} ms`],
};

// Generic so that the compiler pairs the event's type with its entry in STEPS.
const stepOf = <T extends EventType>(event: DomainEvent<T>) => STEPS[event.type](event);

/** What decides a payment: its assessment, its stock and its funds. */
type Report = AnyEvent<'FraudAssessed' | 'StockReserved' | 'StockRejected' | 'FundsReserved' | 'FundsRejected'>;

@Injectable()
export class PaymentsService {
  constructor(
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
    @InjectRepository(TimelineStep) private readonly timeline: Repository<TimelineStep>,
    @InjectRepository(VpaHolder) private readonly holders: Repository<VpaHolder>,
    private readonly publisher: EventPublisher,
  ) {}

  async initiate(body: z.infer<typeof InitiatePayment>, userId: string) {
    const [rupees, fraction = ''] = body.amount.split('.');
    const amountPaise = Number(rupees) * 100 + Number(fraction.padEnd(2, '0'));
    if (amountPaise < 100 || amountPaise > 10_000_000) throw new BadRequestException('amount: must be from "1.00" to "100000.00"');
    const payer = await this.holders.findOneBy({ vpa: body.payerVpa, linked: true });
    if (payer?.userId !== userId) throw new ForbiddenException({ code: 'VPA.NOT_OWNED', message: 'the payer VPA is not yours' });
    const payee = await this.holders.findOneBy({ vpa: body.payeeVpa, linked: true });
    if (!payee) throw new UnprocessableEntityException({ code: 'PAYEE.UNKNOWN', message: 'nobody holds the payee VPA' });
    const now = new Date();
    const payment = this.payments.create({
      id: randomUUID(),
      status: 'PENDING',
      failureReason: null,
      payerVpa: body.payerVpa,
      payeeVpa: body.payeeVpa,
      amountPaise: String(amountPaise),
      currency: 'INR',
      note: body.note ?? null,
      items: body.items ?? [],
      stockStatus: body.items ? 'PENDING' : 'NOT_REQUIRED',
      fundsStatus: 'PENDING',
      fraudDecision: null,
      fraudScore: null,
      fraudReasons: null,
      fraudAssessedAt: null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      traceId: null,
      ...(HAS_PARTIES ? { payerUserId: userId, payeeUserId: payee.userId } : {}),
    });
    await this.payments.save(payment);
    const initiated = createEvent('PaymentInitiated', payment.id, this.facts(payment), now);
    await this.addStep(initiated);
    await this.publisher.publish(TOPICS.payments, initiated);
    return this.view(payment);
  }

  /** A fraud, stock or funds report: applied to the payment, which fails at the first negative one and succeeds once all are positive. */
  async onReport(event: Report) {
    const payment = await this.payments.findOneBy({ id: event.paymentId });
    if (!payment) return;
    await this.addStep(event);
    if (payment.status !== 'PENDING') return;
    if (event.type === 'FraudAssessed') {
      if (payment.fraudDecision) return;
      payment.fraudDecision = event.payload.decision;
      payment.fraudScore = event.payload.score;
      payment.fraudReasons = event.payload.reasons;
      payment.fraudAssessedAt = new Date(event.payload.assessedAt);
      if (HAS_FRAUD_SOURCE) payment.fraudSource = 'FRAUD_SERVICE';
    } else if (event.type === 'FundsReserved' || event.type === 'FundsRejected') {
      if (payment.fundsStatus !== 'PENDING') return;
      payment.fundsStatus = event.type === 'FundsReserved' ? 'RESERVED' : 'REJECTED';
    } else {
      if (payment.stockStatus !== 'PENDING') return;
      payment.stockStatus = event.type === 'StockReserved' ? 'RESERVED' : 'REJECTED';
    }
    const now = new Date();
    if (payment.fraudDecision === 'REJECTED') Object.assign(payment, { status: 'FAILED', failureReason: 'FRAUD_REJECTED' });
    else if (payment.stockStatus === 'REJECTED') Object.assign(payment, { status: 'FAILED', failureReason: 'OUT_OF_STOCK' });
    else if (event.type === 'FundsRejected') Object.assign(payment, { status: 'FAILED', failureReason: event.payload.reason });
    else if (
      payment.fraudDecision === 'APPROVED' &&
      ['NOT_REQUIRED', 'RESERVED'].includes(payment.stockStatus) &&
      payment.fundsStatus === 'RESERVED'
    )
      payment.status = 'SUCCEEDED';
    payment.updatedAt = now;
    if (payment.status !== 'PENDING') payment.completedAt = now;
    await this.payments.save(payment);
    if (payment.status === 'PENDING') return;
    const completed =
      payment.status === 'SUCCEEDED'
        ? createEvent('PaymentSucceeded', payment.id, { ...this.facts(payment), completedAt: now.toISOString() }, now)
        : createEvent(
            'PaymentFailed',
            payment.id,
            { ...this.facts(payment), completedAt: now.toISOString(), failureReason: payment.failureReason },
            now,
          );
    await this.addStep(completed);
    await this.publisher.publish(TOPICS.payments, completed);
  }

  /** Who holds which VPA: one save per event (a newer stored fact wins). */
  async onUserEvent(event: UserEvent) {
    if (event.type === 'VpaLinked' || event.type === 'VpaUnlinked') {
      const linked = event.type === 'VpaLinked';
      const asOf = new Date(event.type === 'VpaLinked' ? event.payload.linkedAt : event.payload.unlinkedAt);
      const stored = await this.holders.findOneBy({ vpa: event.payload.vpa });
      if (stored && stored.asOf > asOf) return;
      await this.holders.save(this.holders.create({ vpa: event.payload.vpa, userId: event.userId, linked, asOf }));
    } else if (event.type === 'UserDeregistered') {
      await this.holders.update({ userId: event.userId, linked: true }, { linked: false });
    }
  }

  /** What other services did after the outcome: only the timeline takes note. */
  async onAfterOutcome(event: AnyEvent) {
    if (!(await this.payments.existsBy({ id: event.paymentId }))) return;
    await this.addStep(event);
  }

  private async addStep(event: AnyEvent) {
    const [step, outcome] = stepOf(event);
    await this.timeline.save(
      this.timeline.create({
        eventId: event.eventId,
        paymentId: event.paymentId,
        step,
        service: event.producer,
        occurredAt: new Date(event.occurredAt),
        outcome,
      }),
    );
  }

  private facts(p: Payment) {
    return {
      payerVpa: p.payerVpa,
      payeeVpa: p.payeeVpa,
      amountPaise: Number(p.amountPaise),
      currency: 'INR',
      items: p.items,
      createdAt: p.createdAt.toISOString(),
      payerUserId: p.payerUserId ?? null,
      payeeUserId: p.payeeUserId ?? null,
    };
  }

  private view(p: Payment) {
    return {
      id: p.id,
      status: p.status,
      failureReason: p.failureReason,
      payerVpa: p.payerVpa,
      payeeVpa: p.payeeVpa,
      amount: formatPaise(Number(p.amountPaise)),
      currency: p.currency,
      note: p.note,
      items: p.items,
      fraud: null,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
      completedAt: null,
      traceId: null,
    };
  }
}

@Controller()
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('v1/payments')
  @UseGuards(JwtAuthGuard)
  @HttpCode(202)
  initiate(@Body() body: unknown, @Req() request: AuthenticatedRequest) {
    const parsed = InitiatePayment.safeParse(body);
    if (!parsed.success) throw new BadRequestException(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return this.payments.initiate(parsed.data, request.user!.userId);
  }

  @EventPattern(TOPICS.users)
  onUserEvent(@Payload() event: UserEvent) {
    return this.payments.onUserEvent(event);
  }

  @EventPattern(TOPICS.fraud)
  onFraudEvent(@Payload() event: AnyEvent<'FraudAssessed'>) {
    return this.payments.onReport(event);
  }

  @EventPattern(TOPICS.inventory)
  onInventoryEvent(@Payload() event: AnyEvent<'StockReserved' | 'StockRejected' | 'StockCommitted' | 'StockReleased'>) {
    return event.type === 'StockReserved' || event.type === 'StockRejected'
      ? this.payments.onReport(event)
      : this.payments.onAfterOutcome(event);
  }

  @EventPattern(TOPICS.ledger)
  onLedgerEvent(@Payload() event: AnyEvent<'FundsReserved' | 'FundsRejected' | 'FundsSettled' | 'FundsReleased'>) {
    return event.type === 'FundsReserved' || event.type === 'FundsRejected'
      ? this.payments.onReport(event)
      : this.payments.onAfterOutcome(event);
  }

  @EventPattern(TOPICS.notifications)
  onNotificationEvent(@Payload() event: AnyEvent<'PaymentNotified'>) {
    return this.payments.onAfterOutcome(event);
  }

  @EventPattern(TOPICS.analytics)
  onAnalyticsEvent(@Payload() event: AnyEvent<'PaymentRecorded'>) {
    return this.payments.onAfterOutcome(event);
  }
}

@Module({
  imports: [database([Payment, TimelineStep, VpaHolder]), TypeOrmModule.forFeature([Payment, TimelineStep, VpaHolder]), KafkaClientModule],
  controllers: [PaymentsController, HealthController],
  providers: [PaymentsService, EventPublisher],
})
export class PaymentsModule {}
