import { MigrationInterface, QueryRunner } from 'typeorm';

export class Inventory1763700000300 implements MigrationInterface {
  name = 'Inventory1763700000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE products (
        sku        text PRIMARY KEY,
        name       text        NOT NULL,
        stock      integer     NOT NULL CHECK (stock >= 0),
        reserved   integer     NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- the last line of defence against overselling, whatever the code above it does
        CONSTRAINT products_reserved_within_stock CHECK (reserved <= stock)
      )`);
    await runner.query(`
      CREATE TABLE reservations (
        payment_id uuid PRIMARY KEY,
        status     text        NOT NULL CHECK (status IN ('RESERVED', 'REJECTED', 'COMMITTED', 'RELEASED')),
        items      jsonb       NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE reservations');
    await runner.query('DROP TABLE products');
  }
}
