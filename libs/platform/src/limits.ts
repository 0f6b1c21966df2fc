import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from './errors';

export interface LimitRule {
  /** How many points (requests, failures, ...) a key may spend in one window. */
  points: number;
  /** The window, in seconds, from the key's first point: when it is over the key starts afresh. */
  durationS: number;
  /** The code of the 429 (default `RATE_LIMITED`). */
  code?: string;
}

export interface LimitState {
  /** Points spent in the current window. */
  consumed: number;
  remaining: number;
  /** Seconds until the window is over (0 when the key has spent nothing). */
  resetsInS: number;
}

const stateOf = (res: RateLimiterRes | null, points: number): LimitState =>
  res
    ? { consumed: res.consumedPoints, remaining: Math.max(0, points - res.consumedPoints), resetsInS: Math.ceil(res.msBeforeNext / 1000) }
    : { consumed: 0, remaining: points, resetsInS: 0 };

/**
 * One named limit, counted per key (a user id, a phone number, ...) in Redis, shared by every
 * instance of the service. While Redis is unreachable each instance counts in its own memory
 * instead (rate-limiter-flexible's insurance limiter): the limit then holds per instance.
 *
 * A login throttle (5 failures per phone in 15 minutes): `consume(phone)` before checking the
 * password, so that concurrent attempts cannot slip past the limit, and `reset(phone)` after a
 * success, so that only failures count; the 6th attempt within the window is refused until it ends.
 * `check` and `penalty` do the same in two steps where counting up front does not fit.
 */
export class KeyedLimit {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    readonly name: string,
    readonly rule: LimitRule,
    keyPrefix: string,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points: rule.points,
      duration: rule.durationS,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: rule.points, duration: rule.durationS }),
    });
  }

  /** Spends points (one request); past the limit, throws a 429 DomainError with the seconds until the window ends. */
  async consume(key: string, points = 1): Promise<LimitState> {
    try {
      return stateOf(await this.limiter.consume(key, points), this.rule.points);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw this.refusal(error.msBeforeNext);
      throw error;
    }
  }

  /** Throws the 429 when the key has spent all its points, spending none (e.g. before checking a password). */
  async check(key: string): Promise<LimitState> {
    const state = await this.get(key);
    if (state.remaining === 0) throw this.refusal(state.resetsInS * 1000);
    return state;
  }

  /** Spends points without refusing (e.g. a failed login): once they are all spent, `check` and `consume` refuse. */
  async penalty(key: string, points = 1): Promise<LimitState> {
    return stateOf(await this.limiter.penalty(key, points), this.rule.points);
  }

  async get(key: string): Promise<LimitState> {
    return stateOf(await this.limiter.get(key), this.rule.points);
  }

  /** Forgets what the key spent (e.g. after a successful login). */
  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }

  private refusal(msBeforeNext: number) {
    const retryAfterS = Math.max(1, Math.ceil(msBeforeNext / 1000));
    return rateLimited(this.rule.code ?? 'RATE_LIMITED', `too many requests (${this.name}): retry in ${retryAfterS} s`, retryAfterS);
  }
}

/**
 * Keyed limits for the services' own rules, e.g.
 *
 *   private readonly initiations = this.limits.define('payments', { points: 60, durationS: 60 });
 *   await this.initiations.consume(userId); // the 61st in a minute: 429 with Retry-After
 *
 * Provided by PlatformModule. Keys are `<RATE_LIMIT_PREFIX><service>:<name>:<key>`.
 */
export class Limits {
  private readonly defined = new Map<string, KeyedLimit>();

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** The limit of this name; a name means one rule (defining it again with another is a mistake, and throws). */
  define(name: string, rule: LimitRule): KeyedLimit {
    const existing = this.defined.get(name);
    if (existing) {
      if (existing.rule.points !== rule.points || existing.rule.durationS !== rule.durationS || existing.rule.code !== rule.code) {
        throw new Error(`limit "${name}" is already defined with another rule`);
      }
      return existing;
    }
    const limit = new KeyedLimit(this.redis, name, rule, `${this.keyPrefix}${name}`);
    this.defined.set(name, limit);
    return limit;
  }

  /** `define(name, rule).consume(key)`, in one call. */
  consume(name: string, key: string, rule: LimitRule, points = 1): Promise<LimitState> {
    return this.define(name, rule).consume(key, points);
  }
}
