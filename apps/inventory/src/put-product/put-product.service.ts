import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { conflict } from '@app/platform';
import { ProductView, toProductView } from '../product.entity';
import { PutProductBodyDto } from './put-product.dto';

export interface PutProductResult {
  created: boolean;
  product: ProductView;
}

type ProductRow = { sku: string; name: string; stock: number; reserved: number };

@Injectable()
export class PutProductService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Creates the product or replaces its name and on-hand stock. Reservations are kept: replacing
   * stock below what is reserved is refused (409) rather than clamped or silently overselling,
   * because `available` would go negative and a later commit would take stock that is not there.
   * The operator has to wait for the pending payments to settle, or set a larger stock.
   */
  async put(sku: string, { name, stock }: PutProductBodyDto): Promise<PutProductResult> {
    return this.dataSource.transaction(async (tx) => {
      // ON CONFLICT DO NOTHING makes two concurrent creates of one sku a create and a replace, never a 500.
      const inserted: ProductRow[] = await tx.query(
        `INSERT INTO products (sku, name, stock) VALUES ($1, $2, $3)
         ON CONFLICT (sku) DO NOTHING RETURNING sku, name, stock, reserved`,
        [sku, name, stock],
      );
      if (inserted.length > 0) return { created: true, product: toProductView(inserted[0]) };

      // Locked so that no reservation slips in between the check and the update.
      const [current]: ProductRow[] = await tx.query(
        'SELECT sku, name, stock, reserved FROM products WHERE sku = $1 FOR UPDATE',
        [sku],
      );
      if (stock < current.reserved) {
        throw conflict(
          'PRODUCT.STOCK_BELOW_RESERVED',
          `stock ${stock} is below the ${current.reserved} unit(s) of ${sku} reserved for pending payments`,
          { reserved: current.reserved },
        );
      }
      await tx.query('UPDATE products SET name = $2, stock = $3, updated_at = now() WHERE sku = $1', [sku, name, stock]);
      return { created: false, product: toProductView({ ...current, name, stock }) };
    });
  }
}
