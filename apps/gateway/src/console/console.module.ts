import { Provider, Type } from '@nestjs/common';
import { createKafka } from '@app/messaging';
import { GatewayConfig } from '../config';
import { CONSOLE_SETTINGS } from './console.config';
import { ConsoleStatic } from './console-static';
import { CONSOLE_KAFKA } from './console.tokens';
import { DeadLettersController } from './dead-letters.controller';
import { opsAccessProviders } from './ops-access';
import { OpsAuditInterceptor } from './ops-audit';
import { Overview, OverviewController } from './overview';
import { TracesController } from './traces.controller';

/**
 * The operator console: the page at /console and the gateway's own operator routes under
 * /v1/ops (traces, dead letters, the overview), which the services do not have. Part of the
 * gateway's module rather than one of its own, as the overview reads the gateway's Upstreams.
 */
export function consoleParts(config: GatewayConfig): { controllers: Type[]; providers: Provider[] } {
  return {
    controllers: [TracesController, DeadLettersController, OverviewController],
    providers: [
      { provide: CONSOLE_SETTINGS, useValue: config.console },
      // Few retries: an operator waits for the answer, and an unreachable broker should fail within seconds.
      {
        provide: CONSOLE_KAFKA,
        useValue: createKafka({ clientId: `${config.service}-console`, brokers: config.kafka.brokers, retries: 3 }),
      },
      ...opsAccessProviders(config),
      OpsAuditInterceptor,
      Overview,
      ConsoleStatic,
    ],
  };
}
