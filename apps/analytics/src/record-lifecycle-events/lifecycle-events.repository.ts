import { Injectable } from '@nestjs/common';
import { AnyPaymentEvent } from '@app/contracts';
import { Database, valuesList } from '@app/platform';

/** The lifecycle_events table: every event as it arrived. */
@Injectable()
export class LifecycleEventsRepository {
  constructor(private readonly db: Database) {}

  /**
   * One statement for the lot. The runtime's inbox already applies each event id once; the
   * conflict clause only makes a replay into a rebuilt inbox harmless.
   */
  async insert(events: AnyPaymentEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { sql, params } = valuesList(
      events.map((e) => [e.eventId, e.paymentId, e.type, e.schemaVersion, e.occurredAt, e.producer, JSON.stringify(e.payload)]),
    );
    await this.db.query(
      `INSERT INTO lifecycle_events (event_id, payment_id, type, schema_version, occurred_at, producer, payload)
       SELECT v.event_id::uuid, v.payment_id::uuid, v.type, v.schema_version::int, v.occurred_at::timestamptz, v.producer, v.payload::jsonb
         FROM (VALUES ${sql}) AS v (event_id, payment_id, type, schema_version, occurred_at, producer, payload)
       ON CONFLICT (event_id) DO NOTHING`,
      params,
    );
  }
}
