import { BaseEnvSchema, parseEnv } from '@app/platform';

export interface DlqConfig {
  brokers: string[];
  topicPrefix: string;
}

/** Only the Kafka part of the services' environment: a bad DATABASE_URL must not stop an operator reading the broker. */
export const EnvSchema = BaseEnvSchema.pick({ KAFKA_BROKERS: true, KAFKA_TOPIC_PREFIX: true });

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DlqConfig {
  const parsed = parseEnv(EnvSchema, env);
  return { brokers: parsed.KAFKA_BROKERS, topicPrefix: parsed.KAFKA_TOPIC_PREFIX };
}
