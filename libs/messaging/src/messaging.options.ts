import { ServiceConfig } from '@app/platform';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  config: ServiceConfig;
  /** Partitions one consumer instance works on in parallel. */
  partitionsConsumedConcurrently?: number;
  /** Outbox rows published per relay round. */
  relayBatchSize?: number;
  /** How often the relay looks for rows written by other processes or missed wake-ups. */
  relayPollMs?: number;
}

export function topicName(config: ServiceConfig, logical: string): string {
  return `${config.kafka.topicPrefix}${logical}`;
}
