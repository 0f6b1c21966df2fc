import { rmSync } from 'node:fs';
import pg from 'pg';

export default async function globalTeardown() {
  await globalThis.__TEST_ISSUER__?.stop();
  const kafka = globalThis.__TEST_KAFKA__;
  if (kafka) {
    await kafka.stop();
    rmSync(kafka.dataDir, { recursive: true, force: true });
  }
  const runId = process.env.TEST_RUN_ID;
  if (!runId) return;
  const admin = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`pt_${runId}_%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
