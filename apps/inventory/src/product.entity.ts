import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('products')
export class Product {
  @PrimaryColumn('text')
  sku: string;

  @Column('text')
  name: string;

  /** On hand: what is in the warehouse, including what is reserved. */
  @Column('integer')
  stock: number;

  /** Held for payments that are not final yet. */
  @Column('integer')
  reserved: number;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

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
