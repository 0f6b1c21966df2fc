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
    description: 'Tells payer and payee about final payments: exactly one notification per payment, recipient and type.',
    module: NotificationsModule.forRoot(config),
  };
});
