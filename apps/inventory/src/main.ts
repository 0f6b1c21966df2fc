import './tracing';
import 'reflect-metadata';
import { runService } from '@app/platform';
import { loadConfig } from './config';
import { InventoryModule } from './inventory.module';

void runService(() => {
  const config = loadConfig();
  return {
    config,
    title: 'Inventory',
    description: 'Products and their stock; reserves the items of a payment all or nothing, then commits or releases them.',
    module: InventoryModule.forRoot(config),
  };
});
