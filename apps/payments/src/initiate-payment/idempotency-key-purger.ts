import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '@app/platform';
import { IDEMPOTENCY_SETTINGS, IdempotencySettings } from '../config';
import { RefundIdempotencyKeysRepository } from '../refund-idempotency-keys.repository';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

const PURGE_EVERY_MS = 10 * 60 * 1000;
const PURGE_BATCH = 5000;

/**
 * Deletes idempotency keys older than IDEMPOTENCY_TTL_H hours (never younger: a client may retry
 * for that long), in batches, at boot and then every ten minutes. Any instance may do it.
 */
@Injectable()
export class IdempotencyKeyPurger implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyKeyPurger.name);
  private readonly task: PeriodicTask;

  constructor(
    @Inject(IDEMPOTENCY_SETTINGS) settings: IdempotencySettings,
    keys: IdempotencyKeysRepository,
    refundKeys: RefundIdempotencyKeysRepository,
  ) {
    this.task = new PeriodicTask(this.logger, PURGE_EVERY_MS, async () => {
      const deleted = await keys.purgeOlderThan(settings.ttlHours, PURGE_BATCH);
      const refundsDeleted = await refundKeys.purgeOlderThan(settings.ttlHours, PURGE_BATCH);
      if (deleted + refundsDeleted > 0)
        this.logger.log(`purged ${deleted + refundsDeleted} idempotency keys older than ${settings.ttlHours} h`);
      return deleted === PURGE_BATCH || refundsDeleted === PURGE_BATCH;
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  // Before any beforeApplicationShutdown: no purge is left running while the runtime shuts down.
  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}
