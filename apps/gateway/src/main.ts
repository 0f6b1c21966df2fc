import './tracing';
import 'reflect-metadata';
import { runService } from '@app/platform';
import { loadConfig } from './config';
import { GatewayModule } from './gateway.module';

void runService(() => {
  const config = loadConfig();
  return {
    config,
    title: 'Gateway',
    description:
      'The one entry point: routes /v1/… to the service that owns it, balancing over its healthy instances; request ids, traces, edge limits.',
    module: GatewayModule.forRoot(config),
    database: false,
  };
});
