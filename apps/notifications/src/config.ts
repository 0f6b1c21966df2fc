import { BaseEnvSchema, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';

export const EnvSchema = BaseEnvSchema.extend({ NOTIFICATIONS_PORT: port(3002) });

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = parseEnv(EnvSchema, env);
  return serviceConfig('notifications', parsed.NOTIFICATIONS_PORT, parsed);
}
