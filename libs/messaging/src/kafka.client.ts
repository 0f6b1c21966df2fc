import { Logger } from '@nestjs/common';
import { Kafka, LogEntry, logLevel } from 'kafkajs';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  /** How often kafkajs retries a failed request before it gives up (default 8). */
  retries?: number;
  /** No kafkajs log lines at all: for a command-line tool, which reports failures itself. */
  silent?: boolean;
}

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
const NOISE = /^Limiting retries for the idempotent producer/;

/**
 * Broker answers that kafkajs logs as errors although it retries them: a fresh broker's group
 * coordinator loading, services racing to create the same topics, a group rebalancing as members
 * come and go. They are logged at debug level: a request that still fails after its retries fails
 * loudly elsewhere.
 */
const EXPECTED_ANSWERS = new Set([
  'The group coordinator is not available',
  "The coordinator is loading and hence can't process requests for this group",
  'The group is rebalancing, so a rejoin is needed',
  'Topic creation errors',
  'This is not the correct coordinator for this group',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server does not host this topic-partition',
  'Topic with this name already exists',
  'This is not the correct controller for this cluster',
]);

/** A consumer that crashed on one of those answers and restarts by itself: a warning, not an error. */
const RESTARTING = /^(Crash: KafkaJS\w+: (.+)|Restarting the consumer in \d+ms)$/;

/** The level a kafkajs log entry is written at. */
export function kafkaLogLevel(level: logLevel, message: string, extra: Record<string, unknown>): 'error' | 'warn' | 'log' | 'debug' | null {
  if (NOISE.test(message)) return null;
  if (typeof extra.error === 'string' && EXPECTED_ANSWERS.has(extra.error)) return 'debug';
  const restarting = RESTARTING.exec(message);
  if (restarting && (restarting[2] === undefined || EXPECTED_ANSWERS.has(restarting[2]))) return 'warn';
  return LEVELS[level] ?? 'log';
}

/** The one way this code base makes a kafkajs client: services (logging through Nest) and tools alike. */
export function createKafka({ clientId, brokers, retries = 8, silent = false }: KafkaClientOptions): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const logger = new Logger('kafkajs');
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 300, retries, maxRetryTime: 10000 },
    logLevel: silent ? logLevel.NOTHING : logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const at = kafkaLogLevel(level, message, extra);
        if (at) logger[at](`${namespace}: ${message} ${JSON.stringify(extra)}`);
      },
  });
}
