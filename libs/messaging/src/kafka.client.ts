import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { ServiceConfig } from '@app/platform';

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs warns at every idempotent producer's creation that bounded retries "may invalidate EoS
 * guarantees". Here the bound is deliberate: a send that gives up is made again (the relay's rows stay
 * in the outbox; a dead letter's message stays uncommitted), and consumers apply each event id once.
 */
const EXPECTED = /^Limiting retries for the idempotent producer/;

/** One kafkajs client per process, logging through the service's structured logger. */
export function createKafka(config: ServiceConfig): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId: config.service,
    brokers: config.kafka.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10000 },
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      if (EXPECTED.test(message)) return;
      logger[LEVELS[level] ?? 'log'](`${namespace}: ${message} ${JSON.stringify(extra)}`);
    },
  });
}
