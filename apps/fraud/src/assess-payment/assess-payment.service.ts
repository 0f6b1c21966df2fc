import { Inject, Injectable } from '@nestjs/common';
import { createEvent, DomainEvent, normalizeVpa } from '@app/contracts';
import { annotateEvent, Outbox } from '@app/messaging';
import { valuesList } from '@app/platform';
import { EntityManager } from 'typeorm';
import { FRAUD_SETTINGS, FraudSettings } from '../config';
import { KnownPayeesService } from '../known-payees/known-payees.service';
import { assess, velocityWindow } from './fraud-rules';

export type FraudInput = DomainEvent<'PaymentInitiated'> | DomainEvent<'PaymentSucceeded'>;

interface Seen {
  paymentId: string;
  payerVpa: string;
  createdAt: number;
}

@Injectable()
export class AssessPaymentService {
  constructor(
    @Inject(FRAUD_SETTINGS) private readonly settings: FraudSettings,
    private readonly outbox: Outbox,
    private readonly knownPayees: KnownPayeesService,
  ) {}

  /**
   * Assesses the initiated payments of a chunk and learns the known payees from its successes, in
   * the order the events came, exactly as one by one; stores the verdicts and announces them, all
   * in the caller's transaction, with one statement per table. The payers' advisory locks (taken
   * in one order) serialise the payments of one payer across partitions and instances, so the
   * velocity count is exact: each sees every payment committed before it, and the ones before it
   * in this chunk.
   */
  async assessAll(tx: EntityManager, events: FraudInput[]): Promise<void> {
    const initiated = events.filter((e): e is DomainEvent<'PaymentInitiated'> => e.type === 'PaymentInitiated');
    const payers = [...new Set(initiated.map((e) => normalizeVpa(e.payload.payerVpa)))];
    if (payers.length > 0) {
      await tx.query(
        `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext('velocity:' || v) AS h FROM unnest($1::text[]) AS v) s ORDER BY h`,
        [payers],
      );
    }
    // The same payment under another event id: it was decided once and stays decided.
    const decided = new Set<string>(
      initiated.length === 0
        ? []
        : (await tx.query('SELECT payment_id FROM assessments WHERE payment_id = ANY($1::uuid[])', [initiated.map((e) => e.paymentId)])).map(
            (row: { payment_id: string }) => row.payment_id,
          ),
    );
    const seen = await this.seenPayments(tx, payers, initiated);
    const known = await this.knownPayees.among(tx, events.map((e) => [normalizeVpa(e.payload.payerVpa), normalizeVpa(e.payload.payeeVpa)]));

    const verdicts: Array<{ event: DomainEvent<'PaymentInitiated'>; verdict: ReturnType<typeof assess>; assessedAt: Date }> = [];
    const succeeded: Array<DomainEvent<'PaymentSucceeded'>> = [];
    for (const event of events) {
      const payerVpa = normalizeVpa(event.payload.payerVpa);
      const payeeVpa = normalizeVpa(event.payload.payeeVpa);
      if (event.type === 'PaymentSucceeded') {
        known.add(`${payerVpa} ${payeeVpa}`);
        succeeded.push(event);
        continue;
      }
      if (decided.has(event.paymentId)) continue;
      decided.add(event.paymentId);
      const { paymentId, payload } = event;
      const window = velocityWindow(payload.createdAt, this.settings.velocityWindowSeconds);
      const recent = seen.filter(
        (s) => s.payerVpa === payerVpa && s.paymentId !== paymentId && s.createdAt > window.after.getTime() && s.createdAt < window.before.getTime(),
      ).length;
      const verdict = assess(
        { payerVpa, payeeVpa, amountPaise: payload.amountPaise, recentPayments: recent, knownPayee: known.has(`${payerVpa} ${payeeVpa}`) },
        this.settings,
      );
      annotateEvent(event, { 'fraud.decision': verdict.decision, 'fraud.score': verdict.score, 'fraud.reasons': verdict.reasons.join(',') });
      if (!seen.some((s) => s.paymentId === paymentId)) seen.push({ paymentId, payerVpa, createdAt: Date.parse(payload.createdAt) });
      verdicts.push({ event, verdict, assessedAt: new Date() });
    }

    await this.knownPayees.record(tx, succeeded.map((e) => e.payload));
    if (verdicts.length === 0) return;
    const seenRows = valuesList(verdicts.map(({ event }) => [event.paymentId, normalizeVpa(event.payload.payerVpa), event.payload.createdAt]));
    await tx.query(
      `INSERT INTO seen_payments (payment_id, payer_vpa, created_at)
       SELECT v.payment_id::uuid, v.payer_vpa, v.created_at::timestamptz FROM (VALUES ${seenRows.sql}) AS v (payment_id, payer_vpa, created_at)
       ON CONFLICT DO NOTHING`,
      seenRows.params,
    );
    const assessmentRows = valuesList(
      verdicts.map(({ event, verdict, assessedAt }) => [event.paymentId, verdict.decision, verdict.score, JSON.stringify(verdict.reasons), assessedAt]),
    );
    await tx.query(
      `INSERT INTO assessments (payment_id, decision, score, reasons, assessed_at)
       SELECT v.payment_id::uuid, v.decision, v.score::int, v.reasons::jsonb, v.assessed_at::timestamptz
         FROM (VALUES ${assessmentRows.sql}) AS v (payment_id, decision, score, reasons, assessed_at)`,
      assessmentRows.params,
    );
    await this.outbox.add(
      tx,
      verdicts.map(({ event, verdict, assessedAt }) =>
        createEvent('FraudAssessed', event.paymentId, { ...verdict, assessedAt: assessedAt.toISOString() }, 'fraud', assessedAt),
      ),
      verdicts.map(({ event }) => event),
    );
  }

  /** The payers' payments already assessed, within reach of any of these payments' velocity windows. */
  private async seenPayments(tx: EntityManager, payers: string[], initiated: Array<DomainEvent<'PaymentInitiated'>>): Promise<Seen[]> {
    if (initiated.length === 0) return [];
    const windows = initiated.map((e) => velocityWindow(e.payload.createdAt, this.settings.velocityWindowSeconds));
    const after = new Date(Math.min(...windows.map((w) => w.after.getTime())));
    const before = new Date(Math.max(...windows.map((w) => w.before.getTime())));
    const rows: Array<{ payment_id: string; payer_vpa: string; created_at: Date }> = await tx.query(
      `SELECT payment_id, payer_vpa, created_at FROM seen_payments
        WHERE payer_vpa = ANY($1::text[]) AND created_at > $2 AND created_at < $3`,
      [payers, after, before],
    );
    return rows.map((row) => ({ paymentId: row.payment_id, payerVpa: row.payer_vpa, createdAt: row.created_at.getTime() }));
  }
}
