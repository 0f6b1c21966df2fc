import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from './public.decorator';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';

/** Implemented by the messaging runtime: is the broker reachable and are our consumers running? */
export interface BrokerHealth {
  check(): Promise<{ ok: boolean; detail?: string }>;
}
export const BROKER_HEALTH = Symbol('BROKER_HEALTH');

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(BROKER_HEALTH) private readonly broker?: BrokerHealth,
  ) {}

  /** The process is up. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** 200 only when the database and Kafka are usable, 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('kafka');
        if (!this.broker) return indicator.up();
        const { ok, detail } = await this.broker.check();
        return ok ? indicator.up() : indicator.down({ detail });
      },
    ]);
  }
}
