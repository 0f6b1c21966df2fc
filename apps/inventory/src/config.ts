import { BaseEnvSchema, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';

export const EnvSchema = BaseEnvSchema.extend({ INVENTORY_PORT: port(3003) });

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = parseEnv(EnvSchema, env);
  return serviceConfig('inventory', parsed.INVENTORY_PORT, parsed);
}
