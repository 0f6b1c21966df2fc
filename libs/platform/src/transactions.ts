import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** The transaction that the code running now belongs to, if any. */
const current = new AsyncLocalStorage<EntityManager>();
/** What to do once each open transaction has committed. */
const onCommit = new WeakMap<EntityManager, Array<() => void>>();

/**
 * The service's database, as repositories see it: `query` runs in the transaction of the unit of
 * work that is running (an HTTP request's, or a chunk of events'), and on the pool outside one.
 * Nothing passes a transaction from hand to hand: whoever opens one (`transaction`, the messaging
 * runtime, `UnitOfWork`) binds it to everything that runs inside, so a repository cannot write
 * beside it by mistake.
 */
@Injectable()
export class Database {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Parameterised SQL in the current transaction (or on the pool); rows as the driver returns them. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]> {
    return this.manager.query<Row[]>(sql, params);
  }

  /** Like `query`, for statements whose affected-row count matters (DELETE, UPDATE): `[rows, count]`. */
  async execute(sql: string, params?: unknown[]): Promise<number> {
    const result = (await this.manager.query(sql, params)) as unknown;
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }

  /** True inside a transaction opened by `transaction`. */
  get inTransaction(): boolean {
    return current.getStore() !== undefined;
  }

  /** Fails unless running inside a transaction: for writes that must commit with something else (the outbox). */
  requireTransaction(what: string): void {
    if (!this.inTransaction) throw new Error(`${what} must run inside a transaction (Database.transaction or UnitOfWork)`);
  }

  /** Runs `work` in a new transaction, committed when it resolves and rolled back when it throws. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    const committed: Array<() => void> = [];
    const result = await this.dataSource.transaction((tx) => {
      onCommit.set(tx, committed);
      return current.run(tx, work);
    });
    for (const callback of committed) callback();
    return result;
  }

  /**
   * Runs `callback` once the current transaction has committed (at once outside one); never when
   * it rolls back. For what must count only what happened: metrics. A unit of work rolled back to
   * its savepoint (UnitOfWork.runGrouped) keeps what it registered: do not register there.
   */
  afterCommit(callback: () => void): void {
    const tx = current.getStore();
    const callbacks = tx && onCommit.get(tx);
    if (callbacks) callbacks.push(callback);
    else callback();
  }

  private get manager(): EntityManager {
    return current.getStore() ?? this.dataSource.manager;
  }
}
