// Naive inventory: reserve all items or none, then commit or release, one product save at a time.
// Safe only because Nest's Kafka transport handles one message at a time per service instance.
import { Controller, Injectable, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AnyEvent, createEvent, database, DomainEvent, EventPublisher, KafkaClientModule, LineItem, TOPICS } from './common';
import { Product, Reservation } from './entities';
import { HealthController } from './health';

@Injectable()
export class InventoryService {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(Reservation) private readonly reservations: Repository<Reservation>,
    private readonly publisher: EventPublisher,
  ) {}

  async reserve(event: DomainEvent<'PaymentInitiated'>) {
    const { paymentId } = event;
    const items: LineItem[] = event.payload.items;
    if (items.length === 0 || (await this.reservations.existsBy({ paymentId }))) return;
    const products = await this.products.findBy({ sku: In(items.map((i) => i.sku)) });
    const bySku = new Map(products.map((p) => [p.sku, p]));
    const unknown = items.filter((i) => !bySku.has(i.sku)).map((i) => i.sku);
    const short = items
      .filter((i) => bySku.has(i.sku) && bySku.get(i.sku)!.stock - bySku.get(i.sku)!.reserved < i.quantity)
      .map((i) => i.sku);
    const now = new Date();
    if (unknown.length || short.length) {
      await this.reservations.save(this.reservations.create({ paymentId, status: 'REJECTED', items, createdAt: now, updatedAt: now }));
      const reason = unknown.length ? 'UNKNOWN_SKU' : 'INSUFFICIENT_STOCK';
      await this.publisher.publish(
        TOPICS.inventory,
        createEvent('StockRejected', paymentId, { items, reason, skus: unknown.length ? unknown : short }),
      );
      return;
    }
    for (const item of items) {
      const product = bySku.get(item.sku)!;
      product.reserved += item.quantity;
      product.updatedAt = now;
      await this.products.save(product);
    }
    await this.reservations.save(this.reservations.create({ paymentId, status: 'RESERVED', items, createdAt: now, updatedAt: now }));
    await this.publisher.publish(TOPICS.inventory, createEvent('StockReserved', paymentId, { items }));
  }

  async settle(event: DomainEvent<'PaymentSucceeded' | 'PaymentFailed'>, commit: boolean) {
    const reservation = await this.reservations.findOneBy({ paymentId: event.paymentId });
    if (!reservation || reservation.status !== 'RESERVED') return;
    const now = new Date();
    for (const item of reservation.items) {
      const product = await this.products.findOneByOrFail({ sku: item.sku });
      product.reserved -= item.quantity;
      if (commit) product.stock -= item.quantity;
      product.updatedAt = now;
      await this.products.save(product);
    }
    reservation.status = commit ? 'COMMITTED' : 'RELEASED';
    reservation.updatedAt = now;
    await this.reservations.save(reservation);
    await this.publisher.publish(
      TOPICS.inventory,
      createEvent(commit ? 'StockCommitted' : 'StockReleased', event.paymentId, { items: reservation.items }),
    );
  }
}

@Controller()
export class InventoryController {
  constructor(private readonly inventory: InventoryService) {}

  @EventPattern(TOPICS.payments)
  async onPaymentEvent(@Payload() event: AnyEvent<'PaymentInitiated' | 'PaymentSucceeded' | 'PaymentFailed'>) {
    if (event.type === 'PaymentInitiated') await this.inventory.reserve(event);
    else if (event.type === 'PaymentSucceeded') await this.inventory.settle(event, true);
    else if (event.type === 'PaymentFailed') await this.inventory.settle(event, false);
  }
}

@Module({
  imports: [database([Product, Reservation]), TypeOrmModule.forFeature([Product, Reservation]), KafkaClientModule],
  controllers: [InventoryController, HealthController],
  providers: [InventoryService, EventPublisher],
})
export class InventoryModule {}
