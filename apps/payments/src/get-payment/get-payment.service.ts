import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { notFound } from '@app/platform';
import { isPaymentId, isVisibleTo, Payment } from '../payment';
import { PaymentView, toPaymentView } from '../payment.view';
import { PaymentsRepository } from '../payments.repository';

@Injectable()
export class GetPaymentService {
  constructor(private readonly payments: PaymentsRepository) {}

  async get(id: string, caller: Caller): Promise<PaymentView> {
    return toPaymentView(await this.visible(id, caller));
  }

  /**
   * A payment by id, if the caller may see it. An id that is not a UUID cannot name a payment, and
   * a payment the caller may not see is answered exactly as one that does not exist.
   */
  async visible(id: string, caller: Caller): Promise<Payment> {
    const payment = isPaymentId(id) ? await this.payments.findById(id) : null;
    if (!payment || !isVisibleTo(payment, caller)) throw paymentNotFound(id);
    return payment;
  }
}

export const paymentNotFound = (id: string) => notFound('PAYMENT.NOT_FOUND', `payment ${id} not found`);
