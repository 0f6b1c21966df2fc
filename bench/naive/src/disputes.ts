// Naive disputes: the payments as their events tell them, one event per handler call, the row read
// and then saved on its own; a final status never goes back (the first final one stays).
import { Controller, Injectable, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AnyEvent, database, TOPICS } from './common';
import { TrackedPayment } from './entities';
import { HealthController } from './health';

type PaymentEvent = AnyEvent<'PaymentInitiated' | 'PaymentSucceeded' | 'PaymentFailed'>;

@Injectable()
export class DisputesService {
  constructor(@InjectRepository(TrackedPayment) private readonly payments: Repository<TrackedPayment>) {}

  async track(event: PaymentEvent) {
    const status = event.type === 'PaymentInitiated' ? 'PENDING' : event.type === 'PaymentSucceeded' ? 'SUCCEEDED' : 'FAILED';
    const known = await this.payments.findOneBy({ id: event.paymentId });
    if (known && (known.status !== 'PENDING' || status === 'PENDING')) return;
    const p = event.payload;
    await this.payments.save(
      this.payments.create({
        id: event.paymentId,
        payerVpa: p.payerVpa.toLowerCase(),
        payeeVpa: p.payeeVpa.toLowerCase(),
        payerUserId: p.payerUserId,
        payeeUserId: p.payeeUserId,
        amountPaise: String(p.amountPaise),
        status,
        createdAt: new Date(p.createdAt),
        completedAt: event.type === 'PaymentInitiated' ? null : new Date(event.payload.completedAt),
      }),
    );
  }
}

@Controller()
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @EventPattern(TOPICS.payments)
  onPaymentEvent(@Payload() event: PaymentEvent) {
    return this.disputes.track(event);
  }
}

@Module({
  imports: [database([TrackedPayment]), TypeOrmModule.forFeature([TrackedPayment])],
  controllers: [DisputesController, HealthController],
  providers: [DisputesService],
})
export class DisputesModule {}
