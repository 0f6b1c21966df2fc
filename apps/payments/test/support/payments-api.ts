import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AnyPaymentEvent, Topics } from '@app/contracts';
import { eventually } from '../../../../test/support/eventually';
import { TestKafka } from '../../../../test/support/kafka';
import { RunningService } from '../../../../test/support/service-app';
import { TimelineView } from '../../src/get-timeline/timeline.view';
import { PaymentView } from '../../src/payment.view';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** The payments HTTP API of one running instance, as a client sees it. */
export class PaymentsApi {
  constructor(private readonly service: RunningService) {}

  async post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${this.service.url}/v1/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  async initiate(body: unknown, headers: Record<string, string> = {}): Promise<PaymentView> {
    const answer = await this.post(body, headers);
    expect(answer.status).toBe(202);
    return answer.body as unknown as PaymentView;
  }

  async get(id: string): Promise<PaymentView> {
    const response = await fetch(`${this.service.url}/v1/payments/${id}`);
    expect(response.status).toBe(200);
    return (await response.json()) as PaymentView;
  }

  /** Every payment of a VPA (payer or payee); tests keep these well under one page. */
  async listOf(vpa: string): Promise<PaymentView[]> {
    const response = await fetch(`${this.service.url}/v1/payments?vpa=${encodeURIComponent(vpa)}&limit=100`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: PaymentView[] }).data;
  }

  async timelineOf(id: string): Promise<TimelineView> {
    const response = await fetch(`${this.service.url}/v1/payments/${id}/timeline`);
    expect(response.status).toBe(200);
    return (await response.json()) as TimelineView;
  }

  /** Waits until the payment is final, and returns it. */
  final(id: string): Promise<PaymentView> {
    return eventually(async () => {
      const payment = await this.get(id);
      expect(payment.status).not.toBe('PENDING');
      return payment;
    });
  }
}

/**
 * The events of these payments on the payments topic once everything they will ever get is there:
 * the outbox is empty (so all was published), then a marker behind each payment's events (same key,
 * same partition) has been read.
 */
export async function publishedEvents(
  kafka: TestKafka,
  service: RunningService,
  paymentIds: string[],
): Promise<Map<string, AnyPaymentEvent[]>> {
  const dataSource = service.app.get(DataSource);
  await eventually(async () => expect(await dataSource.query('SELECT 1 FROM outbox')).toEqual([]));
  const marker = `marker-${randomUUID()}`;
  await kafka.send(
    Topics.PaymentEvents,
    paymentIds.map((key) => ({ key, value: marker })),
  );
  const messages = await kafka.read(Topics.PaymentEvents, (m) => m.filter((x) => x.value === marker).length === paymentIds.length);
  const events = new Map<string, AnyPaymentEvent[]>(paymentIds.map((id) => [id, []]));
  for (const message of messages) {
    if (message.value === marker || !message.key || !events.has(message.key)) continue;
    events.get(message.key)!.push(JSON.parse(message.value!) as AnyPaymentEvent);
  }
  return events;
}
