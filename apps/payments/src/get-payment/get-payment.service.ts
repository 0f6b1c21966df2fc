import { Injectable } from '@nestjs/common';
import { notFound } from '@app/platform';
import { isPaymentId } from '../payment';
import { PaymentView, toPaymentView } from '../payment.view';
import { PaymentsRepository } from '../payments.repository';

@Injectable()
export class GetPaymentService {
  constructor(private readonly payments: PaymentsRepository) {}

  /** A payment by id; an id that is not a UUID cannot name a payment, so it is not found either. */
  async get(id: string): Promise<PaymentView> {
    const payment = isPaymentId(id) ? await this.payments.findById(id) : null;
    if (!payment) throw notFound('PAYMENT.NOT_FOUND', `payment ${id} not found`);
    return toPaymentView(payment);
  }
}
