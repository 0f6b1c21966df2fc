import { Logger } from '@nestjs/common';
import Fastify from 'fastify';
import type Redis from 'ioredis';
import { freePort } from '../../../test/support/free-port';
import { testEnv } from '../../../test/support/env';
import { BaseEnvSchema, connectRedis, DomainError, hardenHttp, parseEnv, RedisConnection, serviceConfig } from '../src';

/* The per-address limit, on the real Redis, and without it. */
const env = testEnv('platform-limits');
const config = serviceConfig('probe', 0, parseEnv(BaseEnvSchema, env));
const clients: Redis[] = [];

async function connect(url = config.redis.url, logger?: Logger): Promise<Redis> {
  const client = await connectRedis(url, 'limits-test', logger);
  clients.push(client);
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((client) => new RedisConnection(client).onApplicationShutdown()));
});

describe('while Redis is unreachable', () => {
  let down: Redis;
  const logger = { warn: jest.fn(), log: jest.fn() };

  beforeAll(async () => {
    down = await connect(`redis://127.0.0.1:${await freePort()}`, logger as unknown as Logger);
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
