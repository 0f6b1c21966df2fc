import { Injectable } from '@nestjs/common';
import { AnyPaymentEvent } from '@app/contracts';
import { Database, valuesList } from '@app/platform';
import { stepOf, TimelineRow, TimelineStep } from './get-timeline/timeline-steps';

interface TimelineRecord {
  event_id: string;
  step: TimelineStep;
  service: string;
  occurred_at: Date;
  outcome: string | null;
}

type NewStep = Omit<TimelineRow, 'occurredAt'> & { paymentId: string; occurredAt: Date | string };

/** The payment_timeline table: one step per lifecycle event of a payment, whichever service produced it. */
@Injectable()
export class PaymentTimelineRepository {
  constructor(private readonly db: Database) {}

  /** Adds the steps these events mark; an event already there is not added twice. */
  async add(events: AnyPaymentEvent[]): Promise<void> {
    await this.addSteps(
      events.map((event) => ({
        eventId: event.eventId,
        paymentId: event.paymentId,
        service: event.producer,
        occurredAt: event.occurredAt, // as sent, for the database to read
        ...stepOf(event),
      })),
    );
  }

  /** Adds steps that no event marks (a decision this service took on its own), keyed like events. */
  async addSteps(steps: NewStep[]): Promise<void> {
    if (steps.length === 0) return;
    const { sql, params } = valuesList(
      steps.map((step) => [step.eventId, step.paymentId, step.step, step.service, step.occurredAt, step.outcome]),
    );
    await this.db.query(
      `INSERT INTO payment_timeline (event_id, payment_id, step, service, occurred_at, outcome) VALUES ${sql}
       ON CONFLICT (event_id) DO NOTHING`,
      params,
    );
  }

  async listOf(paymentId: string): Promise<TimelineRow[]> {
    const rows = await this.db.query<TimelineRecord>(
      'SELECT event_id, step, service, occurred_at, outcome FROM payment_timeline WHERE payment_id = $1',
      [paymentId],
    );
    return rows.map((row) => ({
      eventId: row.event_id,
      step: row.step,
      service: row.service,
      occurredAt: row.occurred_at,
      outcome: row.outcome,
    }));
  }
}
