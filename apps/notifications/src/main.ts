import './tracing';
import 'reflect-metadata';
import { runService } from '@app/platform';
import { loadConfig } from './config';
import { NotificationsModule } from './notifications.module';

void runService(() => {
  const config = loadConfig();
  return {
    config,
    title: 'Notifications',
    description:
      'Tells payer and payee about final payments, refunds and disputes, and operators about escalated disputes: ' +
      'exactly one notification per payment, subject (the payment, a refund, a dispute, a comment), recipient and type.',
    module: NotificationsModule.forRoot(config),
  };
});
