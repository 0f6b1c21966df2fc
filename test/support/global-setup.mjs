// Starts what the integration and end-to-end tests need, unique to this run so that the suite can
// run twice in a row and beside `npm start`: a private Kafka broker on free ports (unless
// KAFKA_BROKERS names a cluster), a run id that names this run's databases and topics, and the
// run's token issuer (test-issuer.mjs).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafka } from '../../scripts/lib/kafka-broker.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { startTestIssuer } from './test-issuer.mjs';

export default async function globalSetup() {
  process.env.TEST_RUN_ID = `r${Date.now().toString(36)}${process.pid.toString(36)}`;
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const issuer = await startTestIssuer();
  globalThis.__TEST_ISSUER__ = issuer;
  Object.assign(process.env, issuer.env);
  if (process.env.KAFKA_BROKERS) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'payments-test-kafka-'));
  const kafka = await startKafka({ port: await freePort(), controllerPort: await freePort(), dataDir, quiet: true, stopWithParent: true });
  globalThis.__TEST_KAFKA__ = kafka;
  process.env.KAFKA_BROKERS = kafka.brokers;
}
