import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/messaging';
import { DEADLINE_SETTINGS, DeadlineSettings } from '../config';
import { PaymentsRepository } from '../payments.repository';
import { SettlePaymentService } from '../settle-payment/settle-payment.service';
import { deadlineAction, sweepHorizonMs } from './deadlines';

/** Payments handled per transaction: the rows stay locked until it commits. */
export const SWEEP_BATCH = 200;

@Injectable()
export class ExpirePaymentsService {
  constructor(
    @Inject(DEADLINE_SETTINGS) private readonly settings: DeadlineSettings,
    private readonly unitOfWork: UnitOfWork,
    private readonly payments: PaymentsRepository,
    private readonly settle: SettlePaymentService,
  ) {}

  /**
   * One sweep: in one transaction, locks the oldest PENDING payments past a deadline (by the
   * database clock; rows another instance or a consumer holds are skipped, so each is handled
   * once) and settles each through the saga. True when the batch was full: there may be more.
   */
  async sweepOnce(): Promise<boolean> {
    const { paymentTimeoutMs, fraudFailureMode } = this.settings;
    return this.unitOfWork.run(async (tx) => {
      const overdue = await this.payments.lockOverdue(tx, {
        olderThanMs: sweepHorizonMs(this.settings),
        expiredAfterMs: paymentTimeoutMs,
        failOpen: fraudFailureMode === 'open',
        limit: SWEEP_BATCH,
      });
      for (const { payment, now } of overdue) {
        const action = deadlineAction(payment, now, this.settings);
        if (action) await this.settle.applyDeadline(tx, payment.id, action);
      }
      return overdue.length === SWEEP_BATCH;
    });
  }
}
