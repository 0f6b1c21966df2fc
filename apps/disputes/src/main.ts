import './tracing';
import 'reflect-metadata';
import { runService } from '@app/platform';
import { loadConfig } from './config';
import { DisputesModule } from './disputes.module';

void runService(() => {
  const config = loadConfig();
  return {
    config,
    title: 'Disputes',
    description:
      "Disputes of payments: a payer's ticket with a thread of comments and a forward-only status, reviewed and resolved by operators " +
      '(resolved for the payer: the payments service refunds the disputed amount), escalated when left OPEN past the review SLA.',
    module: DisputesModule.forRoot(config),
  };
});
