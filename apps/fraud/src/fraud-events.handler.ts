import { Injectable } from '@nestjs/common';
import { OnEventBatch } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { AssessPaymentService, FraudInput } from './assess-payment/assess-payment.service';

/** New payments are assessed; successful ones teach which payees a payer knows. A chunk at a time, in order. */
@Injectable()
export class FraudEventsHandler {
  constructor(private readonly assessments: AssessPaymentService) {}

  @OnEventBatch('PaymentInitiated', 'PaymentSucceeded')
  onEvents(events: FraudInput[], tx: EntityManager): Promise<void> {
    return this.assessments.assessAll(tx, events);
  }
}
