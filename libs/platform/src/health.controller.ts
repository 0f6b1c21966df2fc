import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from './public.decorator';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

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
    // Absent in a service without a database (the gateway).
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  /** The process is up. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** 200 only when the database and Kafka are usable (those the service has), 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const { broker, dataSource } = this;
    return this.health.check([
      ...(dataSource ? [() => this.database.pingCheck('database', { timeout: 2000 })] : []),
      ...(broker ? [() => this.brokerCheck(broker)] : []),
    ]);
  }

  private async brokerCheck(broker: BrokerHealth) {
    const indicator = this.indicators.check('kafka');
    const { ok, detail } = await broker.check();
    return ok ? indicator.up() : indicator.down({ detail });
  }
}
