import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AnyPaymentEvent, createEvent, FundsRejectionReason, isVpa, normalizeVpa, parseRupees, Topics } from '@app/contracts';
import { eventually } from '../../../../test/support/eventually';
import { linkVpas, newOperator, newUser, TestUser } from '../../../../test/support/identity';
import { TestKafka } from '../../../../test/support/kafka';
import { RunningService } from '../../../../test/support/service-app';
import { TimelineView } from '../../src/get-timeline/timeline.view';
import { PaymentView } from '../../src/payment.view';
import { VpaHoldersRepository } from '../../src/vpa-holders.repository';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

const fundsOf = (payment: PaymentView) => ({
  payerVpa: payment.payerVpa,
  payeeVpa: payment.payeeVpa,
  amountPaise: parseRupees(payment.amount)!,
});

/** Publishes what the ledger would once it holds the payment's amount on the payer's account. */
export function fundsReserved(kafka: TestKafka, payment: PaymentView) {
  return kafka.publish('FundsReserved', payment.id, { ...fundsOf(payment), reservedAt: new Date().toISOString() }, 'ledger');
}

/** Publishes what the ledger would when it refuses to hold the payment's amount. */
export function fundsRejected(kafka: TestKafka, payment: PaymentView, reason: FundsRejectionReason) {
  return kafka.publish('FundsRejected', payment.id, { ...fundsOf(payment), reason, rejectedAt: new Date().toISOString() }, 'ledger');
}

/** Publishes what the users service would when a user unlinks a VPA (at `at`, now by default). */
export async function unlinkVpa(kafka: TestKafka, userId: string, vpa: string, at = new Date()): Promise<void> {
  const event = createEvent('VpaUnlinked', userId, { vpa: normalizeVpa(vpa), unlinkedAt: at.toISOString() }, 'users');
  await kafka.send(Topics.UserEvents, [{ key: userId, value: JSON.stringify(event) }]);
}

/** Publishes a VpaLinked stamped `at` (now by default): for a link after an unlink, or out of order. */
export async function linkVpaAt(kafka: TestKafka, userId: string, vpa: string, at = new Date()): Promise<void> {
  const event = createEvent('VpaLinked', userId, { vpa: normalizeVpa(vpa), linkedAt: at.toISOString() }, 'users');
  await kafka.send(Topics.UserEvents, [{ key: userId, value: JSON.stringify(event) }]);
}

/**
 * Waits until the payments service knows each VPA as held by its user, or (null) by nobody: its
 * projection of the users service's events.
 */
export async function untilHeld(service: RunningService, holdings: Record<string, string | null>): Promise<void> {
  const repository = service.app.get(VpaHoldersRepository);
  const expected = Object.fromEntries(Object.entries(holdings).filter(([, userId]) => userId !== null));
  await eventually(async () => {
    const holders = await repository.holdersOf(Object.keys(holdings));
    expect(Object.fromEntries(holders)).toEqual(expected);
  });
}

/** A new user holding these VPAs, once the payments service knows it (what the users service would have told it). */
export async function userHolding(kafka: TestKafka, service: RunningService, vpas: string[]): Promise<TestUser> {
  const user = await newUser();
  await linkVpas(kafka, user.userId, vpas);
  await untilHeld(service, Object.fromEntries(vpas.map((vpa) => [normalizeVpa(vpa), user.userId])));
  return user;
}

/**
 * Users for the VPAs tests pay from and to: the first time a VPA is asked for, a user of its own
 * is made, the VPA linked to them, and the service known to have learnt it.
 */
export class Holders {
  private readonly byVpa = new Map<string, Promise<TestUser>>();

  constructor(
    private readonly kafka: TestKafka,
    private readonly service: RunningService,
  ) {}

  of(vpa: string): Promise<TestUser> {
    const key = normalizeVpa(vpa);
    let holder = this.byVpa.get(key);
    if (!holder) {
      holder = userHolding(this.kafka, this.service, [key]);
      this.byVpa.set(key, holder);
    }
    return holder;
  }
}

/** The payments HTTP API of one running instance, as a client sees it. */
export class PaymentsApi {
  readonly holders: Holders;
  private operator?: Promise<TestUser>;
  private anyone?: Promise<TestUser>;

  /** `holders`: another instance's, for instances sharing one database. */
  constructor(
    private readonly service: RunningService,
    kafka: TestKafka,
    holders?: Holders,
  ) {
    this.holders = holders ?? new Holders(kafka, service);
  }

  /** An operator: reads any payment. */
  asOperator(): Promise<TestUser> {
    this.operator ??= newOperator();
    return this.operator;
  }

  /**
   * POST /v1/payments as `as`; by default as the user holding the body's payer VPA (its payee VPA
   * held by another), or, for a body without two valid VPAs, as some user.
   */
  async post(body: unknown, headers: Record<string, string> = {}, as?: TestUser): Promise<Answer> {
    const caller = as ?? (await this.payerOf(body));
    return this.request('POST', '/v1/payments', caller, body, headers);
  }

  async initiate(body: unknown, headers: Record<string, string> = {}, as?: TestUser): Promise<PaymentView> {
    const answer = await this.post(body, headers, as);
    expect(answer.status).toBe(202);
    return answer.body as unknown as PaymentView;
  }

  /** A payment, read by `as` (an operator by default). */
  async get(id: string, as?: TestUser): Promise<PaymentView> {
    return (await this.ok('GET', `/v1/payments/${id}`, as)) as unknown as PaymentView;
  }

  /** Every payment of a VPA (payer or payee), listed by `as` (an operator by default); tests keep these well under one page. */
  async listOf(vpa: string, as?: TestUser): Promise<PaymentView[]> {
    return ((await this.ok('GET', `/v1/payments?vpa=${encodeURIComponent(vpa)}&limit=100`, as)) as { data: PaymentView[] }).data;
  }

  async timelineOf(id: string, as?: TestUser): Promise<TimelineView> {
    return (await this.ok('GET', `/v1/payments/${id}/timeline`, as)) as unknown as TimelineView;
  }

  /** Waits until the payment is final, and returns it. */
  final(id: string): Promise<PaymentView> {
    return eventually(async () => {
      const payment = await this.get(id);
      expect(payment.status).not.toBe('PENDING');
      return payment;
    });
  }

  /** Any request, as `as` (no token when null); a body that is a string is sent as it is. */
  async request(method: string, path: string, as: TestUser | null, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${this.service.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(as?.headers ?? {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  private async ok(method: string, path: string, as?: TestUser): Promise<Record<string, unknown>> {
    const answer = await this.request(method, path, as ?? (await this.asOperator()));
    expect(answer.status).toBe(200);
    return answer.body;
  }

  private async payerOf(body: unknown): Promise<TestUser> {
    const { payerVpa, payeeVpa } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const valid = (vpa: unknown): vpa is string => typeof vpa === 'string' && isVpa(vpa);
    if (valid(payerVpa) && valid(payeeVpa) && normalizeVpa(payerVpa) !== normalizeVpa(payeeVpa)) {
      const [payer] = await Promise.all([this.holders.of(payerVpa), this.holders.of(payeeVpa)]);
      return payer;
    }
    this.anyone ??= newUser();
    return this.anyone;
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
