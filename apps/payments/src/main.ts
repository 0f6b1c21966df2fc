import './tracing';
import 'reflect-metadata';
import { runService } from '@app/platform';
import { loadConfig } from './config';
import { PaymentsModule } from './payments.module';

void runService(() => {
  const config = loadConfig();
  return {
    config,
    title: 'Payments',
    description:
      'Initiates UPI-style payments and decides their outcome from the fraud assessment and the stock reservation. ' +
      'The only writer of a payment’s status: PENDING → SUCCEEDED | FAILED, never changed once final.',
    module: PaymentsModule.forRoot(config),
  };
});
