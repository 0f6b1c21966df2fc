import './tracing';
import 'reflect-metadata';
import { runService } from '@app/platform';
import { AnalyticsModule } from './analytics.module';
import { loadConfig } from './config';

void runService(() => {
  const config = loadConfig();
  return {
    config,
    title: 'Analytics',
    description:
      'Records every payment lifecycle event and answers aggregates of payments, their refunds and their disputes: ' +
      'each counted once, whatever is redelivered.',
    module: AnalyticsModule.forRoot(config),
  };
});
