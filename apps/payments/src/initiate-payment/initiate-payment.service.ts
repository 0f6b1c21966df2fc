import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Outbox, UnitOfWork } from '@app/messaging';
import { annotate, currentTraceIds } from '@app/telemetry';
import { Payment } from '../payment';
import { paymentInitiated } from '../payment-events';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentView, toPaymentView } from '../payment.view';
import { PaymentsRepository } from '../payments.repository';
import { InitiatePaymentCommand } from './initiate-payment.dto';

@Injectable()
export class InitiatePaymentService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly payments: PaymentsRepository,
    private readonly timeline: PaymentTimelineRepository,
  ) {}

  /**
   * Stores a PENDING payment, the first step of its timeline and its PaymentInitiated event in one
   * transaction: fraud and inventory take it from there. The payment keeps the id of the trace of
   * this request, which the whole payment continues (the outbox carries it on).
   */
  async initiate(command: InitiatePaymentCommand): Promise<PaymentView> {
    const now = new Date();
    const payment: Payment = {
      id: randomUUID(),
      status: 'PENDING',
      failureReason: null,
      payerVpa: command.payerVpa,
      payeeVpa: command.payeeVpa,
      amountPaise: command.amountPaise,
      currency: command.currency,
      note: command.note ?? null,
      items: command.items,
      stockStatus: command.items.length > 0 ? 'PENDING' : 'NOT_REQUIRED',
      fraud: null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      traceId: currentTraceIds()?.traceId ?? null,
    };
    annotate({ 'payment.id': payment.id });
    const initiated = paymentInitiated(payment);
    await this.unitOfWork.run(async (tx) => {
      await this.payments.insert(tx, payment);
      await this.timeline.add(tx, [initiated]);
      await this.outbox.add(tx, [initiated]);
    });
    return toPaymentView(payment);
  }
}
