// TypeORM entities over the tables the project's migrations create (the harness runs them):
// every write of the naive peer is one repository.save() of one of these.
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { LineItem } from './common';

@Entity('payments')
export class Payment {
  @PrimaryColumn('uuid') id: string;
  @Column('text') status: string;
  @Column('text', { name: 'failure_reason', nullable: true }) failureReason: string | null;
  @Column('text', { name: 'payer_vpa' }) payerVpa: string;
  @Column('text', { name: 'payee_vpa' }) payeeVpa: string;
  @Column('bigint', { name: 'amount_paise' }) amountPaise: string;
  @Column('text') currency: string;
  @Column('text', { nullable: true }) note: string | null;
  @Column('jsonb') items: LineItem[];
  @Column('text', { name: 'stock_status' }) stockStatus: string;
  @Column('text', { name: 'funds_status' }) fundsStatus: string;
  @Column('text', { name: 'fraud_decision', nullable: true }) fraudDecision: string | null;
  @Column('smallint', { name: 'fraud_score', nullable: true }) fraudScore: number | null;
  @Column('text', { name: 'fraud_reasons', array: true, nullable: true }) fraudReasons: string[] | null;
  @Column('timestamptz', { name: 'fraud_assessed_at', nullable: true }) fraudAssessedAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt: Date | null;
  @Column('text', { name: 'trace_id', nullable: true }) traceId: string | null;
  fraudSource?: string | null;
  payerUserId?: string | null;
  payeeUserId?: string | null;
}
/** Columns later migrations of the project added: mapped only when the database has them. */
const PAYMENT_COLUMNS = (process.env.BENCH_PAYMENT_COLUMNS ?? '').split(',');
export const HAS_FRAUD_SOURCE = PAYMENT_COLUMNS.includes('fraud_source');
if (HAS_FRAUD_SOURCE) {
  Column('text', { name: 'fraud_source', nullable: true })(Payment.prototype, 'fraudSource');
}
export const HAS_PARTIES = PAYMENT_COLUMNS.includes('payer_user_id');
if (HAS_PARTIES) {
  Column('uuid', { name: 'payer_user_id', nullable: true })(Payment.prototype, 'payerUserId');
  Column('uuid', { name: 'payee_user_id', nullable: true })(Payment.prototype, 'payeeUserId');
}

/** Who holds which VPA, as the users service's events said (the project's payments.vpa_holders). */
@Entity('vpa_holders')
export class VpaHolder {
  @PrimaryColumn('text') vpa: string;
  @Column('uuid', { name: 'user_id' }) userId: string;
  @Column('boolean') linked: boolean;
  @Column('timestamptz', { name: 'as_of' }) asOf: Date;
}

@Entity('payment_timeline')
export class TimelineStep {
  @PrimaryColumn('uuid', { name: 'event_id' }) eventId: string;
  @Column('uuid', { name: 'payment_id' }) paymentId: string;
  @Column('text') step: string;
  @Column('text') service: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('text', { nullable: true }) outcome: string | null;
}

@Entity('assessments')
export class Assessment {
  @PrimaryColumn('uuid', { name: 'payment_id' }) paymentId: string;
  @Column('text') decision: string;
  @Column('integer') score: number;
  @Column('jsonb') reasons: string[];
  @Column('timestamptz', { name: 'assessed_at' }) assessedAt: Date;
}

@Entity('seen_payments')
export class SeenPayment {
  @PrimaryColumn('uuid', { name: 'payment_id' }) paymentId: string;
  @Column('text', { name: 'payer_vpa' }) payerVpa: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

@Entity('known_payees')
export class KnownPayee {
  @PrimaryColumn('text', { name: 'payer_vpa' }) payerVpa: string;
  @PrimaryColumn('text', { name: 'payee_vpa' }) payeeVpa: string;
  @Column('timestamptz', { name: 'first_paid_at' }) firstPaidAt: Date;
}

@Entity('products')
export class Product {
  @PrimaryColumn('text') sku: string;
  @Column('text') name: string;
  @Column('integer') stock: number;
  @Column('integer') reserved: number;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

@Entity('reservations')
export class Reservation {
  @PrimaryColumn('uuid', { name: 'payment_id' }) paymentId: string;
  @Column('text') status: string;
  @Column('jsonb') items: LineItem[];
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

@Entity('notifications')
export class Notification {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'payment_id' }) paymentId: string;
  @Column('text', { name: 'recipient_vpa' }) recipientVpa: string;
  @Column('text') type: string;
  @Column('text') message: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

@Entity('lifecycle_events')
export class LifecycleEvent {
  @PrimaryColumn('uuid', { name: 'event_id' }) eventId: string;
  @Column('uuid', { name: 'payment_id' }) paymentId: string;
  @Column('text') type: string;
  @Column('integer', { name: 'schema_version' }) schemaVersion: number;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('text') producer: string;
  @Column('jsonb') payload: unknown;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
}

@Entity('payment_facts')
export class PaymentFact {
  @PrimaryColumn('uuid', { name: 'payment_id' }) paymentId: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('text') status: string;
  @Column('text', { name: 'failure_reason', nullable: true }) failureReason: string | null;
  @Column('bigint', { name: 'amount_paise' }) amountPaise: string;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt: Date | null;
  @Column('integer', { name: 'latency_ms', nullable: true }) latencyMs: number | null;
}

/** The ledger's tables (apps/ledger's migration): an account per VPA, balances in paise (bigint: strings). */
@Entity('accounts')
export class Account {
  @PrimaryColumn('text') vpa: string;
  @Column('uuid', { name: 'user_id' }) userId: string;
  @Column('text') status: string;
  @Column('bigint', { name: 'credits_posted' }) creditsPosted: string;
  @Column('bigint', { name: 'debits_posted' }) debitsPosted: string;
  @Column('bigint', { name: 'debits_pending' }) debitsPending: string;
  @Column('timestamptz', { name: 'as_of' }) asOf: Date;
  @Column('timestamptz', { name: 'opened_at' }) openedAt: Date;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt: Date | null;
}

/** A payment's hold is keyed by the payment's id (a refund's, which the load never makes, by the refund's). */
@Entity('holds')
export class Hold {
  @PrimaryColumn('uuid') id: string;
  @Column('text') kind: string;
  @Column('uuid', { name: 'payment_id' }) paymentId: string;
  @Column('text', { name: 'payer_vpa' }) payerVpa: string;
  @Column('text', { name: 'payee_vpa' }) payeeVpa: string;
  @Column('bigint', { name: 'amount_paise' }) amountPaise: string;
  @Column('date') day: string;
  @Column('text') status: string;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

@Entity('daily_spend')
export class DailySpend {
  @PrimaryColumn('text') vpa: string;
  @PrimaryColumn('date') day: string;
  @Column('bigint', { name: 'amount_paise' }) amountPaise: string;
}

@Entity('entries')
export class LedgerEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column('text') vpa: string;
  @Column('text') kind: string;
  @Column('bigint', { name: 'amount_paise' }) amountPaise: string;
  @Column('bigint', { name: 'balance_after' }) balanceAfter: string;
  @Column('uuid', { name: 'payment_id', nullable: true }) paymentId: string | null;
  @Column('text', { nullable: true }) reference: string | null;
  @Column('uuid', { name: 'transfer_id' }) transferId: string;
  @Column('timestamptz') at: Date;
}

/** The disputes service's payments (apps/disputes' migration): what the payment events said of each, one row per payment. */
@Entity('payments')
export class TrackedPayment {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'payer_vpa' }) payerVpa: string;
  @Column('text', { name: 'payee_vpa' }) payeeVpa: string;
  @Column('uuid', { name: 'payer_user_id', nullable: true }) payerUserId: string | null;
  @Column('uuid', { name: 'payee_user_id', nullable: true }) payeeUserId: string | null;
  @Column('bigint', { name: 'amount_paise' }) amountPaise: string;
  @Column('text') status: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt: Date | null;
}
