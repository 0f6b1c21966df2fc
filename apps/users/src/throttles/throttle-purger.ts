import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask } from '@app/platform';
import { ThrottlesRepository } from './throttles.repository';

const PURGE_EVERY_MS = 10 * 60 * 1000;
const PURGE_BATCH = 5000;

/** Forgets throttle windows that have ended, so the table holds only the keys counted now. Any instance may. */
@Injectable()
export class ThrottlePurger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ThrottlePurger.name);
  private readonly task = new PeriodicTask(
    this.logger,
    PURGE_EVERY_MS,
    async () => (await this.throttles.purgeEnded(PURGE_BATCH)) === PURGE_BATCH,
  );

  constructor(private readonly throttles: ThrottlesRepository) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
