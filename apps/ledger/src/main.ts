import './tracing';
import 'reflect-metadata';
import { runService } from '@app/platform';
import { loadConfig } from './config';
import { LedgerModule } from './ledger.module';

void runService(() => {
  const config = loadConfig();
  return {
    config,
    title: 'Ledger',
    description:
      "Accounts of VPAs, holds and an append-only double-entry journal: holds a payment's amount while it is pending, posts or voids it when it completes.",
    module: LedgerModule.forRoot(config),
  };
});
