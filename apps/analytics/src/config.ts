import { BaseEnvSchema, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';

export const EnvSchema = BaseEnvSchema.extend({ ANALYTICS_PORT: port(3004) });

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = parseEnv(EnvSchema, env);
  return serviceConfig('analytics', parsed.ANALYTICS_PORT, parsed);
}
