import { Injectable } from '@nestjs/common';
import { PaymentsRepository } from '../payments.repository';
import { RefundsRepository } from '../refunds.repository';
import { foldFacts, PaymentEvent, paymentFactOf, RefundEvent, refundFactOf } from './payment-facts';

/**
 * Learns payments and their refunds from their events, a chunk at a time, in the consumer's
 * transaction: the only way this service knows of payments (it never asks the payments service).
 * Redelivered and out-of-order events change nothing twice: each payment and each refund is one
 * row, whose status only ever goes from PENDING to final.
 */
@Injectable()
export class TrackPaymentsService {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
  ) {}

  applyPayments(events: PaymentEvent[]): Promise<void> {
    return this.payments.upsert(foldFacts(events.map(paymentFactOf)));
  }

  /** A refund's disputeId is what shows it on its dispute. */
  applyRefunds(events: RefundEvent[]): Promise<void> {
    return this.refunds.upsert(foldFacts(events.map(refundFactOf)));
  }
}
