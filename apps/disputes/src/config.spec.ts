import { ConfigError } from '@app/platform';
import { loadConfig } from './config';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('disputes config', () => {
  it('listens on 3007, lets payments be disputed for 30 days and escalates disputes left OPEN for a day', () => {
    const config = loadConfig({});
    expect(config.service).toBe('disputes');
    expect(config.database.schema).toBe('disputes');
    expect(config.http.port).toBe(3007);
    expect(config.disputes).toEqual({ windowMs: 30 * 86_400_000, reviewSlaMs: 86_400_000, sweepIntervalMs: 1000 });
  });

  it('reads its variables', () => {
    const config = loadConfig({
      DISPUTES_PORT: '4007',
      DISPUTE_WINDOW_D: '7',
      DISPUTE_REVIEW_SLA_S: '3',
      DISPUTE_SWEEP_INTERVAL_MS: '50',
    });
    expect(config.http.port).toBe(4007);
    expect(config.disputes).toEqual({ windowMs: 7 * 86_400_000, reviewSlaMs: 3000, sweepIntervalMs: 50 });
  });

  it.each([
    ['DISPUTE_WINDOW_D', '0'],
    ['DISPUTE_WINDOW_D', '30.5'],
    ['DISPUTE_REVIEW_SLA_S', ''],
    ['DISPUTE_REVIEW_SLA_S', '0'],
    ['DISPUTE_SWEEP_INTERVAL_MS', '1e3'],
    ['DISPUTE_SWEEP_INTERVAL_MS', '5'],
    ['DISPUTES_PORT', '70000'],
  ])('refuses %s=%p, naming the variable', (name, value) => {
    expect(configError({ [name]: value }).problems).toEqual([expect.stringContaining(name)]);
  });
});
