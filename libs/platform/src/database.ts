import { Client } from 'pg';
import { DataSource, DataSourceOptions, MigrationInterface } from 'typeorm';
import { ServiceConfig } from './config';

/**
 * TypeORM options for a service: its own schema, migrations only (never synchronize), and no
 * entities: TypeORM provides the pool and runs the migrations; SQL is in repositories (Database).
 */
/** A TypeORM migration, as services list theirs. */
export type MigrationClass = new () => MigrationInterface;

export function dataSourceOptions(config: ServiceConfig, migrations: MigrationClass[]): DataSourceOptions {
  const { url, schema, poolSize } = config.database;
  return {
    type: 'postgres',
    url,
    schema,
    entities: [],
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    applicationName: config.service,
    extra: { max: poolSize, options: `-c search_path=${schema}` },
  };
}

/** Creates the database (when missing) and the service's schema, so a fresh machine just works. */
export async function prepareDatabase(url: string, schema: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1)) || 'postgres';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const adminClient = new Client({ connectionString: admin.toString() });
  await adminClient.connect();
  try {
    const { rowCount } = await adminClient.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await adminClient.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`).catch((error: unknown) => {
        if (!hasCode(error, '42P04', '23505')) throw error; // created concurrently
      });
    }
  } finally {
    await adminClient.end();
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch((error: unknown) => {
      if (!hasCode(error, '23505', '42P06')) throw error; // created concurrently
    });
  } finally {
    await client.end();
  }
}

/** Runs pending migrations while holding a lock, so several instances can start at once. */
export async function runMigrations(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${schema}`]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${schema}`]).catch(() => undefined);
    await runner.release();
  }
}

/** Whether a driver error carries one of these SQLSTATE codes. */
function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}
