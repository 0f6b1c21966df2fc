import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AssessPaymentService, FraudInput } from './assess-payment/assess-payment.service';

/** New payments are assessed; successful ones teach which payees a payer knows. A chunk at a time, in order. */
@Controller()
export class FraudEventsController {
  constructor(private readonly assessments: AssessPaymentService) {}

  @EventPattern(['PaymentInitiated', 'PaymentSucceeded'], { batch: true })
  onEvents(@Payload() events: FraudInput[]): Promise<void> {
    return this.assessments.assessAll(events);
  }
}
