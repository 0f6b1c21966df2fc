import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { GATEWAY_SETTINGS, GatewaySettings } from './config';
import { classifyUpstreamError } from './forwarding';
import { UpstreamService } from './routes';

/** How long one health check may take before it counts as a failure. */
const HEALTH_TIMEOUT_MS = 2000;
/**
 * Health checks that time out or answer "not ready" in a row before an instance is taken out: one
 * slow answer from a busy instance (a consumer group rebalancing) must not take out the last one
 * standing. A refused or cut connection takes it out at once.
 */
const FAILED_CHECKS_TO_TAKE_OUT = 3;

interface Instance {
  url: string;
  up: boolean;
  checking: boolean;
  failedChecks: number;
}

/** The instances of one service: round robin over those that are up. */
export class UpstreamPool {
  readonly instances: Instance[];
  private cursor = 0;

  constructor(
    readonly service: UpstreamService,
    urls: string[],
    private readonly logger: Logger,
  ) {
    // Out until a health check passes (the first round runs before the gateway serves).
    this.instances = urls.map((url) => ({ url, up: false, checking: false, failedChecks: 0 }));
  }

  /** The next instance that is up, other than those already tried for this request; undefined when there is none. */
  pick(tried: ReadonlySet<string> = new Set()): string | undefined {
    const count = this.instances.length;
    for (let i = 0; i < count; i++) {
      const instance = this.instances[(this.cursor + i) % count];
      if (instance.up && !tried.has(instance.url)) {
        this.cursor = (this.cursor + i + 1) % count;
        return instance.url;
      }
    }
    return undefined;
  }

  /** Takes an instance out (a failed connection, a failed health check) until its health check passes. */
  markDown(url: string, reason: string): void {
    const instance = this.instances.find((i) => i.url === url);
    if (!instance?.up) return;
    instance.up = false;
    this.logger.warn(`${this.service} instance ${url} is out of rotation: ${reason}`);
  }

  markUp(url: string): void {
    const instance = this.instances.find((i) => i.url === url);
    if (!instance || instance.up) return;
    instance.up = true;
    this.logger.log(`${this.service} instance ${url} is in rotation`);
  }

  /** Polls one instance's readiness; overlapping checks of one instance are skipped. */
  async check(instance: Instance): Promise<void> {
    if (instance.checking) return;
    instance.checking = true;
    try {
      const response = await fetch(`${instance.url}/health/ready`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
      await response.body?.cancel();
      if (response.status === 200) {
        instance.failedChecks = 0;
        this.markUp(instance.url);
      } else if (++instance.failedChecks >= FAILED_CHECKS_TO_TAKE_OUT) {
        this.markDown(instance.url, `not ready (${response.status})`);
      }
    } catch (error) {
      const { message, cause } = error as Error;
      const reason = `health check failed (${cause instanceof Error ? cause.message : message})`;
      if (classifyUpstreamError(error) === 'connection' || ++instance.failedChecks >= FAILED_CHECKS_TO_TAKE_OUT) {
        this.markDown(instance.url, reason);
      }
    } finally {
      instance.checking = false;
    }
  }
}

/** Every service's instances, health-checked every GATEWAY_HEALTH_INTERVAL_MS. */
@Injectable()
export class Upstreams implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Upstreams');
  private readonly pools: Map<UpstreamService, UpstreamPool>;
  private timer?: NodeJS.Timeout;

  constructor(@Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings) {
    this.pools = new Map(
      (Object.entries(settings.upstreams) as Array<[UpstreamService, string[]]>).map(([service, urls]) => [
        service,
        new UpstreamPool(service, urls, this.logger),
      ]),
    );
  }

  pool(service: UpstreamService): UpstreamPool {
    return this.pools.get(service)!;
  }

  /** One round of checks before the gateway serves, so that it starts with the instances that are ready. */
  async onModuleInit(): Promise<void> {
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.settings.healthIntervalMs);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async checkAll(): Promise<void> {
    await Promise.all([...this.pools.values()].flatMap((pool) => pool.instances.map((instance) => pool.check(instance))));
  }
}
