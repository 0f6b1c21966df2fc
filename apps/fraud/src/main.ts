import './tracing';
import 'reflect-metadata';
import { runService } from '@app/platform';
import { loadConfig } from './config';
import { FraudModule } from './fraud.module';

void runService(() => {
  const config = loadConfig();
  return {
    config,
    title: 'Fraud',
    description:
      'Assesses every initiated payment: approve or reject with a score and reasons (blocklist, velocity, high amount to a new payee).',
    module: FraudModule.forRoot(config),
  };
});
