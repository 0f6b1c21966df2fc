import { SERVICES, instancesOf, parseReplicas, upstreamsOf } from './services.mjs';

describe('npm start --replicas', () => {
  it('runs every service once unless told otherwise', () => {
    const instances = instancesOf(SERVICES, parseReplicas(undefined));
    expect(instances.map((i) => i.name)).toEqual(SERVICES.map((s) => s.name));
    expect(instances.map((i) => i.port)).toEqual(SERVICES.map((s) => s.port));
  });

  it('gives each replica its own port and name, and the gateway every instance of each service', () => {
    const instances = instancesOf(SERVICES, parseReplicas('payments=2, ledger=3'));
    const byName = Object.fromEntries(instances.map((i) => [i.name, i]));
    expect(byName['payments-2']).toMatchObject({ service: 'payments', port: 3100 });
    expect(byName['ledger-3']).toMatchObject({ service: 'ledger', port: 3206 });
    expect(instances.filter((i) => i.service === 'fraud')).toHaveLength(1);
    expect(new Set(instances.map((i) => i.port)).size).toBe(instances.length);

    const upstreams = upstreamsOf(instances);
    expect(upstreams.PAYMENTS_URLS).toBe('http://127.0.0.1:3000,http://127.0.0.1:3100');
    expect(upstreams.LEDGER_URLS).toBe('http://127.0.0.1:3006,http://127.0.0.1:3106,http://127.0.0.1:3206');
    expect(upstreams.FRAUD_URLS).toBe('http://127.0.0.1:3001');
    expect(upstreams).not.toHaveProperty('GATEWAY_URLS');
    expect(Object.keys(upstreams)).toHaveLength(SERVICES.length - 1);
  });

  it.each([
    ['payments', /expected service=count/],
    ['payment=2', /unknown service "payment"/],
    ['payments=0', /1 to 9 times/],
    ['payments=10', /1 to 9 times/],
    ['payments=two', /expected service=count/],
  ])('refuses %s with a message naming the problem', (text, message) => {
    expect(() => parseReplicas(text)).toThrow(message);
  });
});
