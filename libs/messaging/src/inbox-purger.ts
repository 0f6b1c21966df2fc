import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Database, PeriodicTask } from '@app/platform';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';

const PURGE_EVERY_MS = 10 * 60 * 1000;
export const INBOX_PURGE_BATCH = 5000;

/**
 * Keeps the inbox (`processed_events`) from growing forever: forgets the ids of events applied
 * more than INBOX_RETENTION_H hours ago (default 168, Kafka's default log retention: the broker no
 * longer holds such an event, so no redelivery can bring it back). In batches, at boot and then
 * every ten minutes; any instance may do it.
 */
@Injectable()
export class InboxPurger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboxPurger.name);
  private readonly task = new PeriodicTask(this.logger, PURGE_EVERY_MS, async () => (await this.purgeOnce()) === INBOX_PURGE_BATCH);

  constructor(
    private readonly db: Database,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Deletes up to INBOX_PURGE_BATCH ids past the retention (by the database clock); returns how many went. */
  async purgeOnce(): Promise<number> {
    const hours = this.options.config.messaging.inboxRetentionHours;
    const deleted = await this.db.execute(
      `DELETE FROM processed_events
        WHERE event_id IN (
          SELECT event_id FROM processed_events WHERE processed_at < now() - make_interval(hours => $1) LIMIT $2)`,
      [hours, INBOX_PURGE_BATCH],
    );
    if (deleted > 0) this.logger.log(`forgot ${deleted} applied event ids older than ${hours} h`);
    return deleted;
  }
}
