import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

/** The service's one Redis connection (ioredis), where the request limits count. */
export const REDIS = Symbol('REDIS');

/** How long boot waits for Redis before going on without it (the limits then fail open until it is back). */
const BOOT_WAIT_MS = 3000;

/** host:port of a Redis URL, never its password. */
export const redisAddress = (url: string) => {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 6379}`;
};

/**
 * Connects to Redis for counting limits. An outage must cost a request nothing: a command fails at
 * once while the connection is down (no offline queue) and after 500 ms on a stalled one, and the
 * callers fail open; the connection is retried in the background. One warning per outage, one
 * line when it is over. Resolves once connected, or after the first failure or BOOT_WAIT_MS.
 */
export async function connectRedis(url: string, name: string, logger = new Logger('Redis')): Promise<Redis> {
  const address = redisAddress(url);
  const client = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2000,
    // On close, a socket that does not end by itself is destroyed after this long (ioredis waits
    // 2 s by default, even for one whose connection had already failed).
    disconnectTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 250, 5000),
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`Redis unreachable at ${address} (${error.message}): request limits are not enforced until it is back`);
  });
  client.on('ready', () => {
    if (down) logger.log(`Redis reachable again at ${address}: request limits are enforced`);
    down = false;
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, BOOT_WAIT_MS);
    const settle = () => {
      clearTimeout(timer);
      client.off('ready', settle).off('error', settle);
      resolve();
    };
    client.once('ready', settle).once('error', settle);
  });
  return client;
}

/** Closes the connection once the service has stopped serving. */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly client: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.client.status === 'ready') {
      const quit = await this.client.quit().then(
        () => true,
        () => false,
      );
      if (quit) return;
    }
    this.client.disconnect(); // and no more reconnecting
  }
}
