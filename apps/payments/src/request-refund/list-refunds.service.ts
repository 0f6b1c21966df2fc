import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { GetPaymentService } from '../get-payment/get-payment.service';
import { toRefundView } from '../refund.view';
import { RefundsRepository } from '../refunds.repository';

@Injectable()
export class ListRefundsService {
  constructor(
    private readonly payments: GetPaymentService,
    private readonly refunds: RefundsRepository,
  ) {}

  /** The refunds of a payment the caller may see (404 otherwise, as for the payment), oldest first. */
  async list(paymentId: string, caller: Caller) {
    await this.payments.visible(paymentId, caller);
    return { data: (await this.refunds.ofPayment(paymentId)).map(toRefundView) };
  }
}
