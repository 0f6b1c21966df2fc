import { BaseEnvSchema, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';

const EnvSchema = BaseEnvSchema.extend({ PAYMENTS_PORT: port(3000) });

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = parseEnv(EnvSchema, env);
  return serviceConfig('payments', parsed.PAYMENTS_PORT, parsed);
}
