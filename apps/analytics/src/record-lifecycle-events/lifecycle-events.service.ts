import { Injectable } from '@nestjs/common';
import { AnyDomainEvent } from '@app/contracts';
import { EntityManager } from 'typeorm';

@Injectable()
export class LifecycleEventsService {
  /**
   * Keeps the event as it arrived. The runtime's inbox already applies each event id once; the
   * conflict clause only makes a replay into a rebuilt inbox harmless.
   */
  async record(tx: EntityManager, event: AnyDomainEvent): Promise<void> {
    await tx.query(
      `INSERT INTO lifecycle_events (event_id, payment_id, type, schema_version, occurred_at, producer, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (event_id) DO NOTHING`,
      [event.eventId, event.paymentId, event.type, event.schemaVersion, event.occurredAt, event.producer, JSON.stringify(event.payload)],
    );
  }
}
