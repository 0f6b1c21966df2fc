import { Injectable } from '@nestjs/common';
import { context, Context } from '@opentelemetry/api';
import { Database } from '@app/platform';
import { classifyFailure } from './failures';
import { OutboxRelay } from './outbox';

/** What one item of a batch came to: its caller gets the value, or the error. */
export type ItemResult<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Writes many callers' items in the current transaction (typically with multi-row statements) and
 * answers each, in order. Throwing fails the whole batch; each item is then tried alone.
 */
export type BatchWork<I, O> = (items: I[]) => Promise<Array<ItemResult<O>>>;

interface Job<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

interface Unit<T> {
  work: () => Promise<T>;
  context: Context;
}

/**
 * A unit that failed in its savepoint because of the other transactions, not because of itself
 * (a deadlock, a serialization failure, a lock not available): tried once more alone, after the
 * shared transaction has ended and released its locks, rather than answered with the error.
 */
class AgainAlone extends Error {
  constructor(readonly cause: unknown) {
    super('to be tried again alone');
  }
}

/** Items in one shared transaction at most. */
const MAX_BATCH = 64;
/** Shared transactions in flight at once; while they run, the next batch gathers. */
const MAX_IN_FLIGHT = 4;

/**
 * Runs a change and the events it writes to the outbox in one transaction, then wakes the relay.
 * Group commit: concurrent callers share one transaction and one commit, and each gets its answer
 * only after that commit, so durability is unchanged while many concurrent requests cost one WAL
 * flush. Batches form by themselves: while some are committing, the next one gathers.
 */
@Injectable()
export class UnitOfWork {
  // One queue per batch function; each one's jobs have that function's item and result types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly queues = new Map<BatchWork<any, any>, Array<Job<any, any>>>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Database,
    private readonly relay: OutboxRelay,
  ) {}

  /** Runs `work` in a transaction of its own; what it writes to the outbox is published after the commit. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const result = await this.db.transaction(work);
    this.relay.wake();
    return result;
  }

  /**
   * Concurrent units of work share one transaction, each in its own savepoint, so a failing one is
   * rolled back alone.
   */
  runGrouped<T>(work: () => Promise<T>): Promise<T> {
    return this.runBatched(this.eachInSavepoint, { work, context: context.active() }) as Promise<T>;
  }

  /**
   * Hands `item` to `batch` together with the items of the other calls with the same `batch` that
   * are waiting, in one transaction. Should the batch fail as a whole, its items are tried one by
   * one, so only the callers whose item fails alone get an error.
   */
  runBatched<I, O>(batch: BatchWork<I, O>, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const queue = this.queues.get(batch) ?? [];
      queue.push({ item, resolve, reject });
      this.queues.set(batch, queue);
      this.schedule();
    });
  }

  private readonly eachInSavepoint: BatchWork<Unit<unknown>, unknown> = async (units) => {
    const results: Array<ItemResult<unknown>> = [];
    for (const unit of units) {
      await this.db.query('SAVEPOINT unit_of_work');
      try {
        const value = await context.with(unit.context, () => unit.work());
        await this.db.query('RELEASE SAVEPOINT unit_of_work');
        results.push({ ok: true, value });
      } catch (error) {
        await this.db.query('ROLLBACK TO SAVEPOINT unit_of_work');
        results.push({ ok: false, error: classifyFailure(error) === 'transient' ? new AgainAlone(error) : error });
      }
    }
    return results;
  };

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queues.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const next = this.queues.entries().next();
    if (next.done || this.inFlight >= MAX_IN_FLIGHT) return;
    const [batch, queue] = next.value;
    const jobs = queue.splice(0, MAX_BATCH);
    // Round robin: what is left of this queue waits behind the others.
    this.queues.delete(batch);
    if (queue.length > 0) this.queues.set(batch, queue);
    this.inFlight += 1;
    void this.commit(batch, jobs).finally(() => {
      this.inFlight -= 1;
      this.schedule();
    });
    this.schedule();
  }

  private async commit<I, O>(batch: BatchWork<I, O>, jobs: Array<Job<I, O>>): Promise<void> {
    let results: Array<ItemResult<O>>;
    try {
      results = await this.db.transaction(() => batch(jobs.map((job) => job.item)));
    } catch (error) {
      const grouped = batch === (this.eachInSavepoint as BatchWork<unknown, unknown>);
      if (grouped && jobs.length > 1 && classifyFailure(error) === 'transient') {
        // The shared transaction itself lost a deadlock or a serialization race: each unit alone.
        for (const job of jobs) this.alone(job.item as Unit<unknown>).then(job.resolve as (v: unknown) => void, job.reject);
      } else if (jobs.length === 1 || grouped) {
        for (const job of jobs) job.reject(error);
      } else {
        // One item may be what failed the batch: each alone, in a savepoint of a shared transaction.
        for (const job of jobs) this.runGrouped(() => single(batch, job.item)).then(job.resolve, job.reject);
      }
      return;
    }
    this.relay.wake();
    results.forEach((result, index) => {
      const job = jobs[index];
      if (result.ok) job.resolve(result.value);
      else if (result.error instanceof AgainAlone)
        this.alone(job.item as Unit<unknown>).then(job.resolve as (v: unknown) => void, job.reject);
      else job.reject(result.error);
    });
  }

  /** One unit in a transaction of its own: it waits for no other unit's locks while holding its own. */
  private alone(unit: Unit<unknown>): Promise<unknown> {
    return this.run(() => context.with(unit.context, () => unit.work()));
  }
}

async function single<I, O>(batch: BatchWork<I, O>, item: I): Promise<O> {
  const [result] = await batch([item]);
  if (!result.ok) throw result.error;
  return result.value;
}
