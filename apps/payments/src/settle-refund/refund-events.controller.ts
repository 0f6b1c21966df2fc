import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DomainEvent } from '@app/contracts';
import { RefundReportType, SettleRefundService } from './settle-refund.service';

/** What the ledger says about refunds' money, and disputes resolved for the payer (which make a refund). */
@Controller()
export class RefundEventsController {
  constructor(private readonly settle: SettleRefundService) {}

  @EventPattern(['RefundFundsReserved', 'RefundFundsRejected'], { batch: true })
  onReports(@Payload() events: Array<DomainEvent<RefundReportType>>): Promise<void> {
    return this.settle.recordReports(events);
  }

  @EventPattern('DisputeResolved', { batch: true })
  onResolutions(@Payload() events: Array<DomainEvent<'DisputeResolved'>>): Promise<void> {
    return this.settle.refundDisputes(events);
  }
}
