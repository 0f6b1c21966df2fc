import { DynamicModule, Module } from '@nestjs/common';
import { EVENT_TRANSPORT, PlatformModule } from '@app/platform';
import { GATEWAY_SETTINGS, GatewayConfig } from './config';
import { consoleParts } from './console/console.module';
import { ProxyRoutes } from './proxy';
import { Upstreams } from './upstreams';

/** The gateway: no database, no Kafka consumer (the console reads and writes dead letters, and audits); Redis only for the per-address limit (PlatformModule's). */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    const operatorConsole = consoleParts(config); // /console and /v1/ops/…
    return {
      module: GatewayModule,
      imports: [PlatformModule.forRoot({ config, database: false })],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: config.gateway },
        // No Kafka: createService looks for a transport, and a lookup that finds nothing would abort the boot.
        { provide: EVENT_TRANSPORT, useValue: null },
        Upstreams,
        ProxyRoutes,
        ...operatorConsole.providers,
      ],
      controllers: operatorConsole.controllers,
    };
  }
}
