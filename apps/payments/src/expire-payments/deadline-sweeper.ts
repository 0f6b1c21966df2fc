import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask } from '@app/platform';
import { DEADLINE_SETTINGS, DeadlineSettings } from '../config';
import { ExpirePaymentsService } from './expire-payments.service';

/**
 * Sweeps for payments past a deadline every EXPIRY_SWEEP_MS, in every instance (SKIP LOCKED shares
 * the work). Starts once the app is up; on shutdown it finishes the sweep in flight before the
 * outbox relay (in an imported module, so stopped after this one) publishes what it wrote.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@Inject(DEADLINE_SETTINGS) settings: DeadlineSettings, expirePayments: ExpirePaymentsService) {
    this.task = new PeriodicTask(new Logger(DeadlineSweeper.name), settings.sweepIntervalMs, () => expirePayments.sweepOnce());
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
