import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { context, Context } from '@opentelemetry/api';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxRelay } from './outbox';

interface Job<T> {
  work: (tx: EntityManager) => Promise<T>;
  context: Context;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** Units of work in one shared transaction at most. */
const MAX_GROUP = 64;
/** Shared transactions in flight at once; while they run, the next group gathers. */
const MAX_GROUPS_IN_FLIGHT = 4;

/** Runs a change and the events it writes to the outbox in one transaction, then wakes the relay. */
@Injectable()
export class UnitOfWork {
  private readonly queue: Array<Job<unknown>> = [];
  private groupsInFlight = 0;
  private scheduled = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    this.relay.wake();
    return result;
  }

  /**
   * Group commit: concurrent units of work share one transaction and one commit, each in its own
   * savepoint, so a failing one is rolled back alone. Every caller gets its answer only after the
   * shared commit, so durability is unchanged, while many concurrent requests cost one WAL flush.
   * Groups form by themselves: while some are committing, the next one gathers.
   */
  runGrouped<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, context: context.active(), resolve, reject } as Job<unknown>);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.groupsInFlight >= MAX_GROUPS_IN_FLIGHT) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.queue.length === 0 || this.groupsInFlight >= MAX_GROUPS_IN_FLIGHT) return;
    const group = this.queue.splice(0, MAX_GROUP);
    this.groupsInFlight += 1;
    void this.commitGroup(group).finally(() => {
      this.groupsInFlight -= 1;
      this.schedule();
    });
    this.schedule();
  }

  private async commitGroup(group: Array<Job<unknown>>): Promise<void> {
    let outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>;
    try {
      outcomes = await this.dataSource.transaction(async (tx) => {
        const results: typeof outcomes = [];
        for (const job of group) {
          await tx.query('SAVEPOINT unit_of_work');
          try {
            const value = await context.with(job.context, () => job.work(tx));
            await tx.query('RELEASE SAVEPOINT unit_of_work');
            results.push({ ok: true, value });
          } catch (error) {
            await tx.query('ROLLBACK TO SAVEPOINT unit_of_work');
            results.push({ ok: false, error });
          }
        }
        return results;
      });
    } catch (error) {
      for (const job of group) job.reject(error);
      return;
    }
    this.relay.wake();
    outcomes.forEach((outcome, index) => (outcome.ok ? group[index].resolve(outcome.value) : group[index].reject(outcome.error)));
  }
}
