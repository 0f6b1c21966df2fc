import { Injectable } from '@nestjs/common';
import { LineItem } from '@app/contracts';
import { Database } from '@app/platform';
import { Product, ProductStock } from './product';

/** A product without its update time: what a write returns. */
type ProductState = Pick<Product, 'sku' | 'name' | 'stock' | 'reserved'>;

/** How each movement changes a product; fixed SQL, the quantities are parameters. */
const MOVEMENTS = {
  reserve: 'reserved = p.reserved + v.quantity',
  commit: 'stock = p.stock - v.quantity, reserved = p.reserved - v.quantity',
  release: 'reserved = p.reserved - v.quantity',
} as const;

export type StockMovement = keyof typeof MOVEMENTS;

/** The products table. */
@Injectable()
export class ProductsRepository {
  constructor(private readonly db: Database) {}

  async find(sku: string): Promise<Product | null> {
    const [row] = await this.db.query<{ sku: string; name: string; stock: number; reserved: number; updated_at: Date }>(
      'SELECT sku, name, stock, reserved, updated_at FROM products WHERE sku = $1',
      [sku],
    );
    return row ? { sku: row.sku, name: row.name, stock: row.stock, reserved: row.reserved, updatedAt: row.updated_at } : null;
  }

  /**
   * Locks the products of a payment's items. Every transaction that changes several products locks
   * them through here, in sku order, so two of them never wait on each other (no deadlocks).
   */
  lockStock(skus: string[]): Promise<ProductStock[]> {
    return this.db.query<ProductStock>('SELECT sku, stock, reserved FROM products WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE', [
      skus,
    ]);
  }

  /** Applies one movement to all the products of a payment in one statement. Skus must be unique. */
  async moveStock(movement: StockMovement, totals: LineItem[]): Promise<void> {
    await this.db.query(
      `UPDATE products p SET ${MOVEMENTS[movement]}, updated_at = now()
       FROM unnest($1::text[], $2::integer[]) AS v(sku, quantity)
       WHERE p.sku = v.sku`,
      [totals.map((t) => t.sku), totals.map((t) => t.quantity)],
    );
  }

  /**
   * Creates the product unless it exists; null if it did. ON CONFLICT DO NOTHING makes two
   * concurrent creates of one sku a create and a replace, never a 500.
   */
  async insertIfAbsent({ sku, name, stock }: Pick<Product, 'sku' | 'name' | 'stock'>): Promise<ProductState | null> {
    const [row] = await this.db.query<ProductState>(
      `INSERT INTO products (sku, name, stock) VALUES ($1, $2, $3)
       ON CONFLICT (sku) DO NOTHING RETURNING sku, name, stock, reserved`,
      [sku, name, stock],
    );
    return row ?? null;
  }

  /** One product, locked until the transaction ends; null if there is none. */
  async lockOne(sku: string): Promise<ProductState | null> {
    const [row] = await this.db.query<ProductState>('SELECT sku, name, stock, reserved FROM products WHERE sku = $1 FOR UPDATE', [sku]);
    return row ?? null;
  }

  /** Replaces a product's name and on-hand stock. */
  async replace({ sku, name, stock }: Pick<Product, 'sku' | 'name' | 'stock'>): Promise<void> {
    await this.db.query('UPDATE products SET name = $2, stock = $3, updated_at = now() WHERE sku = $1', [sku, name, stock]);
  }
}
