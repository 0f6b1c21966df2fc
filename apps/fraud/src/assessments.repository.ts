import { Injectable } from '@nestjs/common';
import { FraudReason } from '@app/contracts';
import { Database, valuesList } from '@app/platform';
import { FraudDecision } from './assess-payment/fraud-rules';
import { Assessment } from './assessment';

interface AssessmentRow {
  payment_id: string;
  decision: FraudDecision;
  score: number;
  reasons: FraudReason[];
  assessed_at: Date;
}

/** The assessments table: one verdict per payment. */
@Injectable()
export class AssessmentsRepository {
  constructor(private readonly db: Database) {}

  /** Which of these payments have a verdict already. */
  async decidedAmong(paymentIds: string[]): Promise<Set<string>> {
    if (paymentIds.length === 0) return new Set();
    const rows = await this.db.query<{ payment_id: string }>('SELECT payment_id FROM assessments WHERE payment_id = ANY($1::uuid[])', [
      paymentIds,
    ]);
    return new Set(rows.map((row) => row.payment_id));
  }

  /** New verdicts, one statement for all. */
  async insert(assessments: Assessment[]): Promise<void> {
    if (assessments.length === 0) return;
    const { sql, params } = valuesList(assessments.map((a) => [a.paymentId, a.decision, a.score, JSON.stringify(a.reasons), a.assessedAt]));
    await this.db.query(
      `INSERT INTO assessments (payment_id, decision, score, reasons, assessed_at)
       SELECT v.payment_id::uuid, v.decision, v.score::int, v.reasons::jsonb, v.assessed_at::timestamptz
         FROM (VALUES ${sql}) AS v (payment_id, decision, score, reasons, assessed_at)`,
      params,
    );
  }

  async find(paymentId: string): Promise<Assessment | null> {
    const [row] = await this.db.query<AssessmentRow>(
      'SELECT payment_id, decision, score, reasons, assessed_at FROM assessments WHERE payment_id = $1',
      [paymentId],
    );
    return row
      ? { paymentId: row.payment_id, decision: row.decision, score: row.score, reasons: row.reasons, assessedAt: row.assessed_at }
      : null;
  }
}
