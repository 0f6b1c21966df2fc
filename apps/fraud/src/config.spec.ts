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

describe('fraud config', () => {
  it('has defaults that work on a developer machine', () => {
    const config = loadConfig({});
    expect(config.service).toBe('fraud');
    expect(config.database.schema).toBe('fraud');
    expect(config.http.port).toBe(3001);
    expect(config.fraud).toEqual({ blockedVpas: [], velocityLimit: 10, velocityWindowSeconds: 60, highAmountPaise: 1_000_000 });
  });

  it('reads every fraud setting, blocklisted VPAs lowercased', () => {
    const config = loadConfig({
      FRAUD_PORT: '4001',
      FRAUD_BLOCKED_VPAS: ' Mallory@OKBank, eve@upi ,,',
      FRAUD_VELOCITY_LIMIT: '0',
      FRAUD_VELOCITY_WINDOW_S: '300',
      FRAUD_HIGH_AMOUNT: '2500.5',
    });
    expect(config.http.port).toBe(4001);
    expect(config.fraud).toEqual({
      blockedVpas: ['mallory@okbank', 'eve@upi'],
      velocityLimit: 0,
      velocityWindowSeconds: 300,
      highAmountPaise: 250_050,
    });
  });

  it.each(['abc', '10000.001', '-5', '1e4', '0', ''])('rejects FRAUD_HIGH_AMOUNT=%p naming the variable', (value) => {
    expect(configError({ FRAUD_HIGH_AMOUNT: value }).message).toContain('FRAUD_HIGH_AMOUNT');
  });

  it('rejects a blocklist entry that is not a VPA, naming the variable and the entry', () => {
    const { message } = configError({ FRAUD_BLOCKED_VPAS: 'mallory@okbank,not-a-vpa' });
    expect(message).toContain('FRAUD_BLOCKED_VPAS');
    expect(message).toContain('not-a-vpa');
  });

  it.each([
    ['FRAUD_VELOCITY_LIMIT', '-1'],
    ['FRAUD_VELOCITY_LIMIT', 'ten'],
    ['FRAUD_VELOCITY_LIMIT', '2.5'],
    ['FRAUD_VELOCITY_WINDOW_S', '0'],
    ['FRAUD_VELOCITY_WINDOW_S', ''],
  ])('rejects %s=%p naming the variable', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name);
  });
});
