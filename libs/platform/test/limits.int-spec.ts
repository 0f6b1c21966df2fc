import { Logger } from '@nestjs/common';
import Fastify from 'fastify';
import type Redis from 'ioredis';
import { freePort } from '../../../test/support/free-port';
import { testEnv } from '../../../test/support/env';
import { BaseEnvSchema, connectRedis, DomainError, hardenHttp, Limits, parseEnv, RedisConnection, serviceConfig } from '../src';

/* Limits (keyed limits for the services' own rules) and the per-address limit, on the real Redis. */
const env = testEnv('platform-limits');
const config = serviceConfig('probe', 0, parseEnv(BaseEnvSchema, env));
const prefix = `${config.rateLimit.prefix}probe:`;
const clients: Redis[] = [];

async function connect(url = config.redis.url, logger?: Logger): Promise<Redis> {
  const client = await connectRedis(url, 'limits-test', logger);
  clients.push(client);
  return client;
}

/** The 429 a limit throws, or a failure if it did not. */
async function refusal(attempt: Promise<unknown>): Promise<DomainError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

afterAll(async () => {
  await Promise.all(clients.map((client) => new RedisConnection(client).onApplicationShutdown()));
});

describe('Limits', () => {
  it('lets a key spend its points, then refuses with a 429 DomainError and the seconds until the window ends', async () => {
    const limits = new Limits(await connect(), prefix);
    const payments = limits.define('payments', { points: 3, durationS: 60 });
    const states = [await payments.consume('user-1'), await payments.consume('user-1'), await payments.consume('user-1')];
    expect(states.map((s) => s.remaining)).toEqual([2, 1, 0]);

    const error = await refusal(payments.consume('user-1'));
    expect(error).toMatchObject({ kind: 'RATE_LIMITED', code: 'RATE_LIMITED' });
    expect(error.details?.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(error.details?.retryAfterS).toBeLessThanOrEqual(60);

    // other keys and other names count apart
    expect((await payments.consume('user-2')).remaining).toBe(2);
    expect((await limits.consume('vpa-lookups', 'user-1', { points: 30, durationS: 60 })).remaining).toBe(29);
  });

  it('counts in Redis, so that the instances of a service share one count', async () => {
    const [one, two] = [new Limits(await connect(), prefix), new Limits(await connect(), prefix)];
    const rule = { points: 4, durationS: 60 };
    for (const limits of [one, two, one, two]) await limits.consume('shared', 'user-1', rule);
    await refusal(two.consume('shared', 'user-1', rule));
    await refusal(one.consume('shared', 'user-1', rule));

    const ttl = await clients[0].pttl(`${prefix}shared:user-1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('throttles logins: 5 failures in the window, then refused until it ends; a success forgets them', async () => {
    const login = new Limits(await connect(), prefix).define('login', { points: 5, durationS: 15 * 60, code: 'AUTH.TOO_MANY_ATTEMPTS' });
    const phone = '+919876543210';
    for (let failure = 1; failure <= 4; failure++) {
      await login.check(phone);
      await login.penalty(phone);
    }
    await login.check(phone); // four failures: one more try
    await login.penalty(phone);

    const error = await refusal(login.check(phone));
    expect(error.code).toBe('AUTH.TOO_MANY_ATTEMPTS');
    expect(error.details?.retryAfterS).toBeGreaterThan(14 * 60);
    expect(error.details?.retryAfterS).toBeLessThanOrEqual(15 * 60);
    await refusal(login.consume(phone));
    expect(await login.get(phone)).toMatchObject({ remaining: 0 });

    await login.reset(phone);
    expect(await login.check(phone)).toMatchObject({ consumed: 0, remaining: 5 });
  });

  it('keeps one rule per name', async () => {
    const limits = new Limits(await connect(), prefix);
    const rule = { points: 60, durationS: 60 };
    expect(limits.define('payments', rule)).toBe(limits.define('payments', { ...rule }));
    expect(() => limits.define('payments', { points: 61, durationS: 60 })).toThrow(/already defined/);
  });
});

describe('while Redis is unreachable', () => {
  let down: Redis;
  const logger = { warn: jest.fn(), log: jest.fn() };

  beforeAll(async () => {
    down = await connect(`redis://127.0.0.1:${await freePort()}`, logger as unknown as Logger);
  });

  it('Limits count in each instance’s memory instead: the limit still holds, and nothing waits for Redis', async () => {
    const payments = new Limits(down, prefix).define('payments', { points: 2, durationS: 60 });
    await payments.consume('user-1');
    await payments.consume('user-1');
    expect((await refusal(payments.consume('user-1'))).kind).toBe('RATE_LIMITED');
  });

  it('the per-address limit lets requests through (fails open), and the outage is logged once', async () => {
    const answers = async (redis: Redis) => {
      const fastify = Fastify();
      await hardenHttp(fastify, { ...config, rateLimit: { ...config.rateLimit, perAddressPerMin: 1 } }, redis);
      fastify.get('/v1/things', () => ({ ok: true }));
      fastify.setErrorHandler((error, _request, reply) => reply.code(error instanceof DomainError ? 429 : 500).send());
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fastify.inject({ url: '/v1/things', remoteAddress: '10.0.0.7' })).statusCode);
      await fastify.close();
      return statuses;
    };
    expect(await answers(down)).toEqual([200, 200, 200]);
    // the same with Redis up: the second request is refused (so the one above was not limited by luck)
    expect(await answers(await connect())).toEqual([200, 429, 429]);

    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/Redis unreachable at 127\.0\.0\.1:\d+ .*request limits are not enforced/),
    );
  });
});
