import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '@app/platform';
import { DEADLINE_SETTINGS, DeadlineSettings } from '../config';
import { ExpirePaymentsService } from './expire-payments.service';
import { ExpireRefundsService } from './expire-refunds.service';

/**
 * Sweeps for payments and refunds past a deadline every EXPIRY_SWEEP_MS, in every instance (SKIP LOCKED shares
 * the work). Starts once the app is up. Stops in onModuleDestroy, which Nest runs before any
 * beforeApplicationShutdown: the sweep in flight is over before the messaging runtime drains the
 * outbox one last time, so what it wrote is published.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(DEADLINE_SETTINGS) settings: DeadlineSettings,
    expirePayments: ExpirePaymentsService,
    expireRefunds: ExpireRefundsService,
  ) {
    this.task = new PeriodicTask(new Logger(DeadlineSweeper.name), settings.sweepIntervalMs, async () => {
      const morePayments = await expirePayments.sweepOnce();
      const moreRefunds = await expireRefunds.sweepOnce();
      return morePayments || moreRefunds;
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}
