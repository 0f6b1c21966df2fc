import { Kafka } from 'kafkajs';
import { createKafka } from '@app/messaging';
import { DlqConfig } from './config';

/*
 * The Kafka side of the tool: reading dead-letter topics and republishing is libs/messaging's
 * (dead-letter-store.ts), shared with the gateway's operator console; this is the tool's client.
 */
export { readDeadLetters, type ReadScope, type ReplayedDeadLetter as Replayed, republish } from '@app/messaging';

/** A client for an operator: few retries, no log lines of its own (errors are reported by the CLI). */
export function dlqKafka(config: DlqConfig): Kafka {
  return createKafka({ clientId: 'dlq-tool', brokers: config.brokers, retries: 3, silent: true });
}
