import { EntityManager } from 'typeorm';
import { LineItem } from '@app/contracts';

export interface StockRow {
  sku: string;
  stock: number;
  reserved: number;
}

/**
 * Locks the products of a payment's items. Every transaction that changes several products locks
 * them through here, in sku order, so two of them never wait on each other (no deadlocks).
 */
export function lockProducts(tx: EntityManager, skus: string[]): Promise<StockRow[]> {
  return tx.query('SELECT sku, stock, reserved FROM products WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE', [skus]);
}

/** How each movement changes a product; fixed SQL, the quantities are parameters. */
const MOVEMENTS = {
  reserve: 'reserved = p.reserved + v.quantity',
  commit: 'stock = p.stock - v.quantity, reserved = p.reserved - v.quantity',
  release: 'reserved = p.reserved - v.quantity',
} as const;

export type StockMovement = keyof typeof MOVEMENTS;

/** Applies one movement to all the products of a payment in one statement. Skus must be unique. */
export async function moveStock(tx: EntityManager, movement: StockMovement, totals: LineItem[]): Promise<void> {
  await tx.query(
    `UPDATE products p SET ${MOVEMENTS[movement]}, updated_at = now()
     FROM unnest($1::text[], $2::integer[]) AS v(sku, quantity)
     WHERE p.sku = v.sku`,
    [totals.map((t) => t.sku), totals.map((t) => t.quantity)],
  );
}
