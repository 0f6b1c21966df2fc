import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEvent } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { AssessPaymentService } from './assess-payment.service';

@Injectable()
export class PaymentInitiatedHandler {
  constructor(private readonly assessments: AssessPaymentService) {}

  @OnEvent('PaymentInitiated')
  onInitiated(event: DomainEvent<'PaymentInitiated'>, tx: EntityManager): Promise<void> {
    return this.assessments.assess(tx, event);
  }
}
