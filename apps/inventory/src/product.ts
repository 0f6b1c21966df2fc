/** A product and its stock. */
export interface Product {
  sku: string;
  name: string;
  /** On hand: what is in the warehouse, including what is reserved. */
  stock: number;
  /** Held for payments that are not final yet. */
  reserved: number;
  updatedAt: Date;
}

/** What reserving and settling need to know about a product. */
export type ProductStock = Pick<Product, 'sku' | 'stock' | 'reserved'>;

export interface ProductView {
  sku: string;
  name: string;
  stock: number;
  reserved: number;
  available: number;
}

export function toProductView(p: Pick<Product, 'sku' | 'name' | 'stock' | 'reserved'>): ProductView {
  return { sku: p.sku, name: p.name, stock: p.stock, reserved: p.reserved, available: p.stock - p.reserved };
}
