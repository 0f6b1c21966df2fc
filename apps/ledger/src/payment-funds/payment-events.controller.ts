import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PaymentFundsService, TransferEvent } from './payment-funds.service';

/**
 * New payments hold the payer's funds, new refunds the payee's; final ones post or void the hold.
 * A chunk at a time, in order (all on payments.payment-events, keyed by payment id).
 */
@Controller()
export class PaymentEventsController {
  constructor(private readonly funds: PaymentFundsService) {}

  @EventPattern(['PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed', 'RefundRequested', 'RefundSucceeded', 'RefundFailed'], {
    batch: true,
  })
  onEvents(@Payload() events: TransferEvent[]): Promise<void> {
    return this.funds.applyAll(events);
  }
}
