import { Injectable } from '@nestjs/common';
import { conflict, Database } from '@app/platform';
import { ProductView, toProductView } from '../product';
import { ProductsRepository } from '../products.repository';
import { PutProductBodyDto } from './put-product.dto';

export interface PutProductResult {
  created: boolean;
  product: ProductView;
}

@Injectable()
export class PutProductService {
  constructor(
    private readonly db: Database,
    private readonly products: ProductsRepository,
  ) {}

  /**
   * Creates the product or replaces its name and on-hand stock. Reservations are kept: replacing
   * stock below what is reserved is refused (409) rather than clamped or silently overselling,
   * because `available` would go negative and a later commit would take stock that is not there.
   * The operator has to wait for the pending payments to settle, or set a larger stock.
   */
  async put(sku: string, { name, stock }: PutProductBodyDto): Promise<PutProductResult> {
    return this.db.transaction(async () => {
      const inserted = await this.products.insertIfAbsent({ sku, name, stock });
      if (inserted) return { created: true, product: toProductView(inserted) };

      // Locked so that no reservation slips in between the check and the update. It exists: the
      // insert just met it, and products are never deleted.
      const current = (await this.products.lockOne(sku))!;
      if (stock < current.reserved) {
        throw conflict(
          'PRODUCT.STOCK_BELOW_RESERVED',
          `stock ${stock} is below the ${current.reserved} unit(s) of ${sku} reserved for pending payments`,
          { reserved: current.reserved },
        );
      }
      await this.products.replace({ sku, name, stock });
      return { created: false, product: toProductView({ ...current, name, stock }) };
    });
  }
}
