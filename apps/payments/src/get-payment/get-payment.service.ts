import { Injectable } from '@nestjs/common';
import { notFound } from '@app/platform';
import { PaymentView, toPaymentView } from '../payment.view';
import { PaymentsRepository } from '../payments.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class GetPaymentService {
  constructor(private readonly payments: PaymentsRepository) {}

  /** A payment by id; an id that is not a UUID cannot name a payment, so it is not found either. */
  async get(id: string): Promise<PaymentView> {
    const payment = UUID.test(id) ? await this.payments.findById(id) : null;
    if (!payment) throw notFound('PAYMENT.NOT_FOUND', `payment ${id} not found`);
    return toPaymentView(payment);
  }
}
