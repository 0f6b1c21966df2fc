import { MigrationInterface, QueryRunner } from 'typeorm';

export class Payments1763700000100 implements MigrationInterface {
  name = 'Payments1763700000100';

  async up(runner: QueryRunner): Promise<void> {
    // Timestamps are stored at millisecond precision: the list cursor carries an ISO string
    // (milliseconds), and a finer stored value would make keyset pages skip or repeat rows.
    await runner.query(`
      CREATE TABLE payments (
        id                uuid PRIMARY KEY,
        status            text           NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        failure_reason    text           CHECK (failure_reason IN ('FRAUD_REJECTED', 'OUT_OF_STOCK', 'EXPIRED')),
        payer_vpa         text           NOT NULL CHECK (payer_vpa = lower(payer_vpa)),
        payee_vpa         text           NOT NULL CHECK (payee_vpa = lower(payee_vpa)),
        amount_paise      bigint         NOT NULL CHECK (amount_paise BETWEEN 100 AND 10000000),
        currency          text           NOT NULL CHECK (currency = 'INR'),
        note              text           CHECK (char_length(note) <= 50),
        items             jsonb          NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(items) = 'array'),
        stock_status      text           NOT NULL CHECK (stock_status IN ('NOT_REQUIRED', 'PENDING', 'RESERVED', 'REJECTED')),
        fraud_decision    text           CHECK (fraud_decision IN ('APPROVED', 'REJECTED')),
        fraud_score       smallint       CHECK (fraud_score BETWEEN 0 AND 100),
        fraud_reasons     text[],
        fraud_assessed_at timestamptz(3),
        created_at        timestamptz(3) NOT NULL,
        updated_at        timestamptz(3) NOT NULL,
        completed_at      timestamptz(3),
        CONSTRAINT payments_payee_is_not_payer CHECK (payer_vpa <> payee_vpa),
        CONSTRAINT payments_final_has_completed_at CHECK ((status = 'PENDING') = (completed_at IS NULL)),
        CONSTRAINT payments_failed_has_reason CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL)),
        CONSTRAINT payments_stock_needed_iff_items
          CHECK ((stock_status = 'NOT_REQUIRED') = (jsonb_array_length(items) = 0)),
        CONSTRAINT payments_fraud_complete CHECK (
          (fraud_decision IS NULL AND fraud_score IS NULL AND fraud_reasons IS NULL AND fraud_assessed_at IS NULL)
          OR (fraud_decision IS NOT NULL AND fraud_score IS NOT NULL AND fraud_reasons IS NOT NULL AND fraud_assessed_at IS NOT NULL)),
        -- the saga's rule, enforced once more where the data lives
        CONSTRAINT payments_succeeded_when_approved_and_stocked CHECK (
          status <> 'SUCCEEDED' OR (fraud_decision = 'APPROVED' AND stock_status IN ('NOT_REQUIRED', 'RESERVED')))
      )`);
    // Newest-first keyset paging, unfiltered, by party (payer OR payee: one index each), and by status.
    await runner.query('CREATE INDEX payments_newest ON payments (created_at DESC, id DESC)');
    await runner.query('CREATE INDEX payments_payer_newest ON payments (payer_vpa, created_at DESC, id DESC)');
    await runner.query('CREATE INDEX payments_payee_newest ON payments (payee_vpa, created_at DESC, id DESC)');
    await runner.query('CREATE INDEX payments_status_newest ON payments (status, created_at DESC, id DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE payments');
  }
}
