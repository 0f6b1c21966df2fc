import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '@app/platform';
import { DISPUTE_SETTINGS, DisputeSettings } from '../config';
import { EscalateDisputesService } from './escalate-disputes.service';

/**
 * Sweeps for disputes past the review SLA every DISPUTE_SWEEP_INTERVAL_MS, in every instance (SKIP
 * LOCKED shares the work). Starts once the app is up. Stops in onModuleDestroy, which Nest runs
 * before any beforeApplicationShutdown: the sweep in flight is over before the messaging runtime
 * drains the outbox one last time, so what it wrote is published.
 */
@Injectable()
export class EscalationSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(@Inject(DISPUTE_SETTINGS) settings: DisputeSettings, escalate: EscalateDisputesService) {
    this.task = new PeriodicTask(new Logger(EscalationSweeper.name), settings.sweepIntervalMs, () => escalate.sweepOnce());
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}
