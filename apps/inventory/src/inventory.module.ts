import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_MIGRATIONS, AuthModule } from '@app/auth';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { PlatformModule, ServiceConfig } from '@app/platform';
import { GetProductController } from './get-product/get-product.controller';
import { GetProductService } from './get-product/get-product.service';
import { Inventory1763700000300 } from './migrations/1763700000300-inventory';
import { ProductsRepository } from './products.repository';
import { PutProductController } from './put-product/put-product.controller';
import { PutProductService } from './put-product/put-product.service';
import { ReservationsRepository } from './reservations.repository';
import { ReserveStockService } from './reserve-stock/reserve-stock.service';
import { SettleReservationService } from './settle-reservation/settle-reservation.service';
import { StockEventsController } from './stock-events.controller';
import { StockEventsService } from './stock-events.service';

@Module({})
export class InventoryModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: InventoryModule,
      imports: [
        PlatformModule.forRoot({ config, migrations: [...MESSAGING_MIGRATIONS, Inventory1763700000300, ...AUTH_MIGRATIONS] }),
        MessagingModule.forRoot({ config }),
        AuthModule.forRoot(config),
      ],
      controllers: [PutProductController, GetProductController, StockEventsController],
      providers: [
        PutProductService,
        GetProductService,
        StockEventsService,
        ReserveStockService,
        SettleReservationService,
        ProductsRepository,
        ReservationsRepository,
      ],
    };
  }
}
