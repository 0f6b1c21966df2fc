import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { ZodValidationPipe } from 'nestjs-zod';
import { ServiceConfig } from './config';
import { dataSourceOptions, MigrationClass } from './database';
import { HealthController } from './health.controller';
import { HttpErrorFilter } from './http-error.filter';
import { loggerParams } from './logging';
import { Database } from './transactions';
import { Limits } from './limits';
import { DatabasePoolMetrics } from './metrics';
import { connectRedis, REDIS, RedisConnection } from './redis';
import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { shutdownTelemetry } from '@app/telemetry';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

export interface PlatformOptions {
  config: ServiceConfig;
  migrations?: MigrationClass[];
  /** false: no database (the gateway); no TypeORM, no `Database`, and readiness does not ask for one. */
  database?: boolean;
}

/**
 * What every service has: its typed config, structured logging, its database (own schema),
 * health endpoints, request validation, the one HTTP error filter, and Redis for its limits
 * (`Limits`, and the per-address limit createService sets up).
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  /** Flushes the spans still buffered, after everything else has stopped. */
  async onApplicationShutdown(): Promise<void> {
    await shutdownTelemetry();
  }

  static forRoot({ config, migrations = [], database = true }: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot(loggerParams(config)),
        ...(database ? [TypeOrmModule.forRoot(dataSourceOptions(config, migrations))] : []),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ...(database ? [Database] : []),
        { provide: REDIS, useFactory: () => connectRedis(config.redis.url, config.service) },
        RedisConnection,
        ...(database
          ? [
              {
                provide: DatabasePoolMetrics,
                useFactory: (dataSource: DataSource) => new DatabasePoolMetrics(dataSource, config),
                inject: [getDataSourceToken()],
              },
            ]
          : []),
        {
          provide: Limits,
          useFactory: (redis: Redis) => new Limits(redis, `${config.rateLimit.prefix}${config.service}:`),
          inject: [REDIS],
        },
      ],
      exports: [SERVICE_CONFIG, ...(database ? [Database] : []), REDIS, Limits],
    };
  }
}
