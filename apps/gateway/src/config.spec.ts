import { ConfigError } from '@app/platform';
import { loadConfig } from './config';

describe('the gateway configuration', () => {
  it('defaults: port 8080, each service on its own default port, one instance', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(8080);
    expect(config.gateway.upstreams).toEqual({
      payments: ['http://127.0.0.1:3000'],
      fraud: ['http://127.0.0.1:3001'],
      notifications: ['http://127.0.0.1:3002'],
      inventory: ['http://127.0.0.1:3003'],
      analytics: ['http://127.0.0.1:3004'],
      users: ['http://127.0.0.1:3005'],
      ledger: ['http://127.0.0.1:3006'],
      disputes: ['http://127.0.0.1:3007'],
    });
    expect(config.gateway).toMatchObject({ healthIntervalMs: 1000, upstreamTimeoutMs: 10000 });
    expect(config.http.trustProxy).toEqual([]);
  });

  it('reads a list of instances per service', () => {
    const config = loadConfig({ PAYMENTS_URLS: 'http://10.0.0.1:3000, http://10.0.0.2:3100/', GATEWAY_PORT: '9090' });
    expect(config.gateway.upstreams.payments).toEqual(['http://10.0.0.1:3000', 'http://10.0.0.2:3100']);
    expect(config.http.port).toBe(9090);
  });

  it.each(['', 'ftp://x:1', 'http://x:1/base', 'not a url'])('refuses PAYMENTS_URLS=%j, naming it', (value) => {
    expect(() => loadConfig({ PAYMENTS_URLS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ PAYMENTS_URLS: value })).toThrow(/PAYMENTS_URLS/);
  });

  it('reads TRUST_PROXY as addresses, CIDRs or loopback, and refuses anything else', () => {
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' }).http.trustProxy).toEqual(['loopback', '10.0.0.0/8', '::1']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });
});
