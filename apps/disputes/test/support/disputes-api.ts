import { randomUUID } from 'node:crypto';
import { AnyPaymentEvent, createEvent, EventType, PayloadOf, Topics } from '@app/contracts';
import { eventually } from '../../../../test/support/eventually';
import { TestUser } from '../../../../test/support/identity';
import { TestKafka } from '../../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../../test/support/service-app';
import { loadConfig } from '../../src/config';
import { DisputesModule } from '../../src/disputes.module';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export interface Answer {
  status: number;
  body: Json;
}

export async function startDisputes(env: NodeJS.ProcessEnv): Promise<RunningService> {
  const config = loadConfig(env);
  return startServiceApp({ config, title: 'Disputes', description: '', module: DisputesModule.forRoot(config) });
}

export const newVpa = (name: string) => `${name}.${randomUUID().slice(0, 8)}@okbank`;

/** A payment as the payments service announces it: its parties, amount and, once final, completion. */
export interface TestPayment {
  id: string;
  payer: TestUser | null;
  payee: TestUser | null;
  payerVpa: string;
  payeeVpa: string;
  amountPaise: number;
  createdAt: Date;
  completedAt: Date;
}

type PaymentEventType = 'PaymentInitiated' | 'PaymentSucceeded' | 'PaymentFailed';
type RefundEventType = 'RefundRequested' | 'RefundSucceeded' | 'RefundFailed';

const DAY_MS = 86_400_000;
/** More than anything can be refunded of a test payment: filing it is refused with what is refundable, or why not. */
const PROBE_AMOUNT = '999999999.99';

/** The disputes service's HTTP API and the events it consumes and publishes, for one running service. */
export class DisputesApi {
  constructor(
    readonly service: RunningService,
    readonly kafka: TestKafka,
  ) {}

  async call(method: string, path: string, who: TestUser | null, body?: unknown): Promise<Answer> {
    const response = await fetch(`${this.service.url}${path}`, {
      method,
      headers: { ...(who?.headers ?? {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  }

  open = (who: TestUser | null, paymentId: string, more: Json = {}) =>
    this.call('POST', '/v1/disputes', who, { paymentId, reason: 'NOT_RECEIVED', description: 'the goods never arrived', ...more });
  list = (who: TestUser | null, query = '') => this.call('GET', `/v1/disputes${query}`, who);
  get = (id: string, who: TestUser | null) => this.call('GET', `/v1/disputes/${id}`, who);
  comment = (id: string, who: TestUser | null, text = 'a word') => this.call('POST', `/v1/disputes/${id}/comments`, who, { text });
  review = (id: string, who: TestUser | null) => this.call('POST', `/v1/disputes/${id}/review`, who);
  resolve = (id: string, who: TestUser | null, outcome: 'PAYER' | 'PAYEE' = 'PAYER', note = 'the payee could not show delivery') =>
    this.call('POST', `/v1/disputes/${id}/resolve`, who, { outcome, note });
  withdraw = (id: string, who: TestUser | null) => this.call('POST', `/v1/disputes/${id}/withdraw`, who);

  /** A payment between two users (or nobody's, for one made before identities existed), not announced yet. */
  payment(payer: TestUser | null, payee: TestUser | null, amountPaise = 125_50, completedDaysAgo = 0): TestPayment {
    const completedAt = new Date(Date.now() - completedDaysAgo * DAY_MS);
    return {
      id: randomUUID(),
      payer,
      payee,
      payerVpa: newVpa('payer'),
      payeeVpa: newVpa('payee'),
      amountPaise,
      createdAt: new Date(completedAt.getTime() - 1500),
      completedAt,
    };
  }

  /** The envelope the payments service would publish for this payment. */
  paymentEvent(type: PaymentEventType, p: TestPayment): AnyPaymentEvent {
    const base = {
      payerVpa: p.payerVpa,
      payeeVpa: p.payeeVpa,
      amountPaise: p.amountPaise,
      currency: 'INR' as const,
      items: [],
      createdAt: p.createdAt.toISOString(),
      payerUserId: p.payer?.userId ?? null,
      payeeUserId: p.payee?.userId ?? null,
    };
    const completedAt = p.completedAt.toISOString();
    const payload =
      type === 'PaymentInitiated'
        ? base
        : type === 'PaymentSucceeded'
          ? { ...base, completedAt }
          : { ...base, completedAt, failureReason: 'FRAUD_REJECTED' as const };
    return createEvent(type, p.id, payload as PayloadOf<typeof type>, 'tests') as AnyPaymentEvent;
  }

  /** The envelope of a refund event of this payment. */
  refundEvent(type: RefundEventType, p: TestPayment, refund: { id: string; amountPaise: number; disputeId?: string | null }) {
    const base = {
      refundId: refund.id,
      payerVpa: p.payerVpa,
      payeeVpa: p.payeeVpa,
      amountPaise: refund.amountPaise,
      currency: 'INR' as const,
      reason: refund.disputeId ? 'dispute resolved for the payer' : 'returned by the payee',
      disputeId: refund.disputeId ?? null,
      requestedByUserId: p.payee?.userId ?? randomUUID(),
      payerUserId: p.payer?.userId ?? null,
      payeeUserId: p.payee?.userId ?? null,
      requestedAt: new Date().toISOString(),
    };
    const completedAt = new Date().toISOString();
    const payload =
      type === 'RefundRequested'
        ? base
        : type === 'RefundSucceeded'
          ? { ...base, completedAt }
          : { ...base, completedAt, failureReason: 'INSUFFICIENT_FUNDS' as const };
    return createEvent(type, p.id, payload, 'tests') as AnyPaymentEvent;
  }

  /** Puts envelopes on the payments topic (again), keyed by their payment as the payments service keys them. */
  async send(...events: AnyPaymentEvent[]): Promise<void> {
    await this.kafka.send(
      Topics.PaymentEvents,
      events.map((event) => ({ key: event.paymentId, value: JSON.stringify(event) })),
    );
  }

  /** Announces the payment initiated and succeeded, and waits until the service knows it succeeded. */
  async succeeded(p: TestPayment): Promise<TestPayment> {
    await this.send(this.paymentEvent('PaymentInitiated', p), this.paymentEvent('PaymentSucceeded', p));
    await this.known(p, (answer) => answer.body.code !== 'PAYMENT.NOT_SUCCEEDED');
    return p;
  }

  /**
   * How the payment stands for filing, asked without filing anything: its payer files for more than
   * anything can be refunded, which is refused with what is refundable, or why the payment cannot
   * be disputed (`as` someone else: 403 once the service knows it, if they can see it). Waits until
   * the service knows the payment (and `until` holds).
   */
  known(p: TestPayment, until: (answer: Answer) => boolean = () => true, as: TestUser | null = p.payer): Promise<Answer> {
    return eventually(async () => {
      const answer = await this.open(as, p.id, { amount: PROBE_AMOUNT });
      expect(answer.status).not.toBe(404);
      expect(answer.status).not.toBe(201);
      if (!until(answer)) throw new Error(`not yet: ${JSON.stringify(answer.body)}`);
      return answer;
    });
  }

  /** What is not yet refunded of a payment, once `until` holds for it. */
  async refundable(p: TestPayment, until: (refundable: string) => boolean = () => true): Promise<string> {
    const answer = await this.known(p, (a) => a.body.code === 'DISPUTE.EXCEEDS_REFUNDABLE' && until(a.body.refundable as string));
    return answer.body.refundable as string;
  }

  /**
   * Waits until the service has applied everything published so far with this payment's key: a
   * marker payment, sent with the same key, lands on the same partition after them, and is known
   * once they are applied. Lets a test assert that something did NOT happen.
   */
  async appliedUpTo(p: TestPayment, markerPayer: TestUser): Promise<void> {
    const marker = this.payment(markerPayer, null);
    await this.kafka.send(Topics.PaymentEvents, [{ key: p.id, value: JSON.stringify(this.paymentEvent('PaymentSucceeded', marker)) }]);
    await this.known(marker);
  }

  /** The disputes service's events about a payment, once `until` holds for them. */
  disputeEvents(paymentId: string, until: (events: AnyPaymentEvent[]) => boolean) {
    return this.kafka.eventsOf(Topics.DisputeEvents, paymentId, until);
  }

  /** The types of the disputes service's events about a payment, once one of type `last` has arrived. */
  async disputeEventTypes(paymentId: string, last: EventType, count = 1): Promise<string[]> {
    const events = await this.disputeEvents(paymentId, (seen) => seen.filter((e) => e.type === last).length >= count);
    return events.map((e) => e.type);
  }
}
