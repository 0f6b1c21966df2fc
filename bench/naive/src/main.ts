// One entry point for the seven naive services (BENCH_SERVICE picks one): a hybrid Nest app on the
// Express adapter (the default platform) with Nest's Kafka transport connected as a microservice.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Type } from '@nestjs/common';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { BROKERS, GROUP_ID, SERVICE } from './common';

/** Only the chosen service's module is loaded (each registers its own TypeORM data source). */
const MODULES: Record<string, () => Promise<Type>> = {
  payments: () => import('./payments').then((m) => m.PaymentsModule),
  fraud: () => import('./fraud').then((m) => m.FraudModule),
  inventory: () => import('./inventory').then((m) => m.InventoryModule),
  notifications: () => import('./notifications').then((m) => m.NotificationsModule),
  analytics: () => import('./analytics').then((m) => m.AnalyticsModule),
  ledger: () => import('./ledger').then((m) => m.LedgerModule),
  disputes: () => import('./disputes').then((m) => m.DisputesModule),
};

async function bootstrap() {
  const app = await NestFactory.create(await MODULES[SERVICE](), { logger: ['error', 'warn'] });
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.KAFKA,
    options: {
      client: { clientId: SERVICE, brokers: BROKERS },
      consumer: { groupId: GROUP_ID, allowAutoTopicCreation: false },
      subscribe: { fromBeginning: true },
    },
  });
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  await app.listen(Number(process.env[`${SERVICE.toUpperCase()}_PORT`] ?? 3000), process.env.HOST ?? '127.0.0.1');
}

void bootstrap();
