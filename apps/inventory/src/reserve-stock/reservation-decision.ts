import { LineItem, PayloadOf } from '@app/contracts';
import { ProductStock } from '../product';

export type StockRejection = Pick<PayloadOf<'StockRejected'>, 'reason' | 'skus'>;

export type ReservationDecision = { outcome: 'RESERVE' } | ({ outcome: 'REJECT' } & StockRejection);

/**
 * One line per sku, quantities summed, in sku order. The API allows each sku once, but the event
 * schema does not say so, and a multi-row UPDATE would apply only one of two rows for a sku.
 */
export function totalsBySku(items: LineItem[]): LineItem[] {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of items) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/**
 * All or nothing: reserve only when every sku exists and has enough available (stock − reserved).
 * An unknown sku is reported before a short one, since no amount of waiting makes it reservable;
 * the rejection names every offending sku of that kind.
 */
export function decideReservation(items: LineItem[], products: ProductStock[]): ReservationDecision {
  const bySku = new Map(products.map((p) => [p.sku, p]));
  const totals = totalsBySku(items);
  const unknown = totals.filter((t) => !bySku.has(t.sku)).map((t) => t.sku);
  if (unknown.length > 0) return { outcome: 'REJECT', reason: 'UNKNOWN_SKU', skus: unknown };
  const short = totals
    .filter((t) => {
      const p = bySku.get(t.sku)!;
      return p.stock - p.reserved < t.quantity;
    })
    .map((t) => t.sku);
  if (short.length > 0) return { outcome: 'REJECT', reason: 'INSUFFICIENT_STOCK', skus: short };
  return { outcome: 'RESERVE' };
}
