import { randomUUID } from 'node:crypto';
import { AnyPaymentEvent, createEvent, PayloadOf, Topics } from '@app/contracts';
import { eventually } from '../../../../test/support/eventually';
import { linkVpas, TestUser } from '../../../../test/support/identity';
import { TestKafka } from '../../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../../test/support/service-app';
import { loadConfig } from '../../src/config';
import { LedgerModule } from '../../src/ledger.module';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function startLedger(env: NodeJS.ProcessEnv): Promise<RunningService> {
  const config = loadConfig(env);
  return startServiceApp({ config, title: 'Ledger', description: '', module: LedgerModule.forRoot(config) });
}

export const newVpa = (name: string) => `${name}.${randomUUID().slice(0, 8)}@okbank`;

/** The ledger's HTTP API and the events it consumes, for one running service. */
export class LedgerApi {
  constructor(
    private readonly service: RunningService,
    private readonly kafka: TestKafka,
  ) {}

  async call(method: string, path: string, who: TestUser | null, body?: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${this.service.url}${path}`, {
      method,
      headers: { ...(who?.headers ?? {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  }

  account = (vpa: string, who: TestUser) => this.call('GET', `/v1/ledger/accounts/${vpa}`, who);
  entries = (vpa: string, who: TestUser, query = '') => this.call('GET', `/v1/ledger/accounts/${vpa}/entries${query}`, who);
  deposit = (vpa: string, who: TestUser, amount: string, reference: string = randomUUID()) =>
    this.call('POST', `/v1/ledger/accounts/${vpa}/deposits`, who, { amount, reference });
  withdraw = (vpa: string, who: TestUser, amount: string, reference: string = randomUUID()) =>
    this.call('POST', `/v1/ledger/accounts/${vpa}/withdrawals`, who, { amount, reference });
  reconciliation = (who: TestUser) => this.call('GET', '/v1/ledger/reconciliation', who);

  /** Links VPAs to a user, as the users service would, and waits until the ledger has their accounts open. */
  async open(user: TestUser, vpas: string[], operator: TestUser): Promise<void> {
    await linkVpas(this.kafka, user.userId, vpas);
    for (const vpa of vpas) {
      await eventually(async () => expect((await this.account(vpa, operator)).body.status).toBe('OPEN'));
    }
  }

  /** Unlinks a VPA, as the users service would, and waits until the ledger has its account closed. */
  async close(user: TestUser, vpa: string, operator: TestUser): Promise<void> {
    const event = createEvent('VpaUnlinked', user.userId, { vpa, unlinkedAt: new Date().toISOString() }, 'users');
    await this.kafka.send(Topics.UserEvents, [{ key: user.userId, value: JSON.stringify(event) }]);
    await eventually(async () => expect((await this.account(vpa, operator)).body.status).toBe('CLOSED'));
  }

  /** Publishes a payment event (PaymentInitiated, PaymentSucceeded or PaymentFailed) and returns its envelope. */
  async pay(
    type: 'PaymentInitiated' | 'PaymentSucceeded' | 'PaymentFailed',
    paymentId: string,
    payer: string,
    payee: string,
    amountPaise: number,
  ) {
    const now = new Date().toISOString();
    const base = {
      payerVpa: payer,
      payeeVpa: payee,
      amountPaise,
      currency: 'INR' as const,
      items: [],
      createdAt: now,
      payerUserId: null,
      payeeUserId: null,
    };
    const payload =
      type === 'PaymentInitiated'
        ? base
        : type === 'PaymentSucceeded'
          ? { ...base, completedAt: now }
          : { ...base, completedAt: now, failureReason: 'FRAUD_REJECTED' as const };
    const event = createEvent(type, paymentId, payload as PayloadOf<typeof type>, 'tests') as AnyPaymentEvent;
    await this.resend(event);
    return event;
  }

  /**
   * Publishes a refund event of a payment from `payer` to `payee` (the refund goes back from payee
   * to payer) and returns its envelope.
   */
  async refund(
    type: 'RefundRequested' | 'RefundSucceeded' | 'RefundFailed',
    paymentId: string,
    refundId: string,
    payer: string,
    payee: string,
    amountPaise: number,
  ) {
    const now = new Date().toISOString();
    const base = {
      refundId,
      payerVpa: payer,
      payeeVpa: payee,
      amountPaise,
      currency: 'INR' as const,
      reason: 'returned',
      disputeId: null,
      requestedByUserId: randomUUID(),
      payerUserId: null,
      payeeUserId: null,
      requestedAt: now,
    };
    const payload =
      type === 'RefundRequested'
        ? base
        : type === 'RefundSucceeded'
          ? { ...base, completedAt: now }
          : { ...base, completedAt: now, failureReason: 'EXPIRED' as const };
    const event = createEvent(type, paymentId, payload as PayloadOf<typeof type>, 'tests') as AnyPaymentEvent;
    await this.resend(event);
    return event;
  }

  /** Puts an envelope on its topic (again). */
  resend(event: AnyPaymentEvent, key = event.paymentId): Promise<void> {
    return this.kafka.send(Topics.PaymentEvents, [{ key, value: JSON.stringify(event) }]);
  }

  /** The ledger's events about a payment, once `until` holds for them. */
  ledgerEvents(paymentId: string, until: (events: AnyPaymentEvent[]) => boolean) {
    return this.kafka.eventsOf(Topics.LedgerEvents, paymentId, until);
  }

  /** The ledger's event types about a payment, once `count` of them have arrived. */
  async typesOf(paymentId: string, count = 1): Promise<string[]> {
    return (await this.ledgerEvents(paymentId, (events) => events.length >= count)).map((e) => e.type);
  }

  /**
   * Waits until the ledger has handled everything published so far under `key`: a marker payment
   * from nobody's VPA, sent with the same key, lands on the same partition after them and is
   * rejected after they are handled. Lets a test assert that something did NOT happen.
   */
  async handledUpTo(key: string): Promise<void> {
    const marker = createEvent(
      'PaymentInitiated',
      randomUUID(),
      {
        payerVpa: 'nobody@okbank',
        payeeVpa: 'nobody.else@okbank',
        amountPaise: 100,
        currency: 'INR',
        items: [],
        createdAt: new Date().toISOString(),
        payerUserId: null,
        payeeUserId: null,
      },
      'tests',
    );
    await this.resend(marker, key);
    await this.typesOf(marker.paymentId);
  }
}
