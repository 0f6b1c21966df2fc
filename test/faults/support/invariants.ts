import { AssignerProtocol } from 'kafkajs';
import { deadLetterTopic, PaymentTopics, Topics } from '@app/contracts';
import { Summary } from '../../e2e/support/api';
import { BankFigures, bankLine, checkBank } from './bank';
import { sleep } from './broker';
import { SentPayments, PaymentRequest } from './load';
import { FaultSystem, SERVICES, ServiceName } from './system';

/**
 * The topics each service's consumer group reads (its @EventPattern handlers). Every group reads
 * the users service's events: libs/auth keeps the de-registered users of each service from them
 * (users' own group included); payments also keeps who holds which VPA, and the ledger opens and
 * closes accounts from them. Users also reads every service's operator actions, for its audit trail.
 * Refund events are on payments.payment-events (the ledger holds and posts refunds from them,
 * disputes follows them); payments reads the ledger's refund outcomes and disputes.dispute-events
 * (a dispute resolved for the payer makes its refund; the others go on the timeline); analytics
 * reads every event of a payment's life, disputes' included.
 */
export const CONSUMES: Record<ServiceName, string[]> = {
  payments: [
    Topics.FraudEvents,
    Topics.InventoryEvents,
    Topics.NotificationEvents,
    Topics.AnalyticsEvents,
    Topics.LedgerEvents,
    Topics.DisputeEvents,
    Topics.UserEvents,
  ],
  fraud: [Topics.PaymentEvents, Topics.UserEvents],
  notifications: [Topics.PaymentEvents, Topics.DisputeEvents, Topics.UserEvents],
  inventory: [Topics.PaymentEvents, Topics.UserEvents],
  analytics: [...PaymentTopics, Topics.UserEvents],
  users: [Topics.UserEvents, Topics.OperatorActions],
  ledger: [Topics.PaymentEvents, Topics.UserEvents],
  disputes: [Topics.PaymentEvents, Topics.UserEvents],
};

const topic = (system: FaultSystem, logical: string) => `${system.env.KAFKA_TOPIC_PREFIX}${logical}`;

/** Messages not yet committed by a consumer group, over the given topics. */
export async function consumerLag(system: FaultSystem, groupId: string, topics: string[]): Promise<number> {
  const committed = await system.admin.fetchOffsets({ groupId, topics });
  let lag = 0;
  for (const { topic: name, partitions } of committed) {
    const ends = await system.admin.fetchTopicOffsets(name);
    for (const { partition, offset } of partitions) {
      const end = ends.find((e) => e.partition === partition)!;
      const position = Number(offset) < 0 ? Number(end.low) : Number(offset);
      lag += Number(end.high) - position;
    }
  }
  return lag;
}

/**
 * Where a service's running consumers disagree with CONSUMES: the topics its group's members
 * subscribe to (their join metadata), against what CONSUMES says (which the drain, the dead-letter
 * count and the poison depend on). A group without members (its service stopped) says nothing.
 */
export async function subscriptionMismatches(system: FaultSystem): Promise<string[]> {
  const groupIds = SERVICES.map((s) => `${system.env.KAFKA_TOPIC_PREFIX}${s}`);
  const { groups } = await system.admin.describeGroups(groupIds);
  const problems: string[] = [];
  for (const service of SERVICES) {
    const group = groups.find((g) => g.groupId === `${system.env.KAFKA_TOPIC_PREFIX}${service}`);
    const expected = CONSUMES[service].map((t) => topic(system, t)).sort();
    for (const member of group?.members ?? []) {
      const metadata = AssignerProtocol.MemberMetadata.decode(member.memberMetadata);
      if (!metadata) continue;
      const subscribed = [...metadata.topics].sort();
      if (JSON.stringify(subscribed) !== JSON.stringify(expected)) {
        problems.push(`${service}'s consumer group subscribes to ${subscribed.join(', ')}; CONSUMES says ${expected.join(', ')}`);
        break;
      }
    }
  }
  return problems;
}

/** Messages on a topic (offsets are contiguous: the producers are idempotent, not transactional). */
export async function messageCount(system: FaultSystem, name: string): Promise<number> {
  const ends = await system.admin.fetchTopicOffsets(name);
  return ends.reduce((sum, e) => sum + Number(e.high) - Number(e.low), 0);
}

/**
 * Resolves once payments and the ledger have applied every event the users service has made so far:
 * users' outbox is empty (all of it on the topic), then each one's group has committed all of the
 * topic. Users registered and VPAs linked before the call are then known to payments, and have
 * accounts at the ledger (bounded).
 */
export async function untilUsersAreKnown(system: FaultSystem, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await (async () => {
      const outbox = (await system.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users.outbox')).rows[0].n;
      if (outbox > 0) return `${outbox} events still in users' outbox`;
      for (const service of ['payments', 'ledger'] as const) {
        const lag = await consumerLag(system, `${system.env.KAFKA_TOPIC_PREFIX}${service}`, [topic(system, Topics.UserEvents)]);
        if (lag > 0) return `${service} has ${lag} user events to apply`;
      }
      return '';
    })().catch((error: Error) => error.message);
    if (state === '') return;
    if (Date.now() > deadline)
      throw new Error(`payments and the ledger did not learn the users in ${timeoutMs} ms: ${state}\n${system.tails()}`);
    await sleep(200);
  }
}

interface DrainState {
  pending: number;
  outbox: Record<string, number>;
  lag: Record<string, number>;
}

async function drainState(system: FaultSystem, acceptedIds: string[], extraGroups: Array<[string, string[]]>): Promise<DrainState> {
  const [{ final }] = (
    await system.db.query<{ final: number }>(
      `SELECT count(*)::int AS final FROM payments.payments WHERE id = ANY($1::uuid[]) AND status <> 'PENDING'`,
      [acceptedIds],
    )
  ).rows;
  const outbox: Record<string, number> = {};
  for (const service of SERVICES) {
    outbox[service] = (await system.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${service}.outbox`)).rows[0].n;
  }
  const lag: Record<string, number> = {};
  const groups: Array<[string, string[]]> = [
    ...SERVICES.map((s): [string, string[]] => [`${system.env.KAFKA_TOPIC_PREFIX}${s}`, CONSUMES[s].map((t) => topic(system, t))]),
    ...extraGroups,
  ];
  for (const [groupId, topics] of groups) lag[groupId] = await consumerLag(system, groupId, topics);
  return { pending: acceptedIds.length - final, outbox, lag };
}

const isDrained = (s: DrainState) =>
  s.pending === 0 && Object.values(s.outbox).every((n) => n === 0) && Object.values(s.lag).every((n) => n === 0);

/**
 * Waits until every accepted payment is final, every outbox is empty and every consumer group has
 * committed everything, twice in a row a second apart (bounded). Returns how long that took.
 */
export async function drain(
  system: FaultSystem,
  sent: SentPayments,
  { timeoutMs = 240000, extraGroups = [] as Array<[string, string[]]> } = {},
): Promise<{ seconds: number; drained: boolean; last: DrainState }> {
  const started = Date.now();
  const acceptedIds = sent.requests.filter((r) => r.paymentId).map((r) => r.paymentId!);
  let streak = 0;
  let last: DrainState | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await drainState(system, acceptedIds, extraGroups).catch(() => undefined);
    streak = last && isDrained(last) ? streak + 1 : 0;
    if (streak >= 2) return { seconds: (Date.now() - started) / 1000 - 1, drained: true, last: last! };
    await sleep(1000);
  }
  return { seconds: (Date.now() - started) / 1000, drained: false, last: last ?? (await drainState(system, acceptedIds, extraGroups)) };
}

export interface Figures {
  sent: number;
  accepted: number;
  final: number;
  lost: number;
  doubled: number;
  deadLettered: number;
  expectedDeadLetters: number;
  expired: number;
  /** How many EXPIRED payments the scenario's fault can explain: more is a violation. */
  explainedExpiries: number;
  retried: number;
  drainSeconds: number;
  bank: BankFigures;
}

interface PaymentRow {
  id: string;
  status: string;
  failure_reason: string | null;
  payer_vpa: string;
  payee_vpa: string;
  amount_paise: number;
  note: string;
  items: Array<{ sku: string; quantity: number }>;
}

export interface CheckOptions {
  extraGroups?: Array<[string, string[]]>;
  timeoutMs?: number;
  /**
   * How many of this scenario's payments its fault can explain ending EXPIRED (default none). A
   * fraud or inventory that never answers ends every payment EXPIRED: without a bound that would pass.
   */
  explainedExpiries?: number;
}

/**
 * Drains, checks every invariant over everything the system was asked to do so far, prints the
 * scenario's figures (one line) and fails with every violation found and the logs' tails.
 */
export async function checkInvariants(
  system: FaultSystem,
  sent: SentPayments,
  scenario: string,
  options: CheckOptions = {},
): Promise<Figures> {
  const drained = await drain(system, sent, options);
  const problems: string[] = [];
  const lostOnes: string[] = [];
  const doubledOnes: string[] = [];
  const lose = (text: string) => lostOnes.push(text) && problems.push(text);
  const double = (text: string) => doubledOnes.push(text) && problems.push(text);
  if (!drained.drained) problems.push(`not drained after ${drained.seconds.toFixed(0)} s: ${JSON.stringify(drained.last)}`);
  // 0. What the drain and the dead-letter count rely on: each group reads the topics CONSUMES names.
  problems.push(...(await subscriptionMismatches(system)));

  // 1. Every accepted payment is final, exactly once; nothing exists that no client accepted.
  const payments = (
    await system.db.query<PaymentRow>(
      'SELECT id, status, failure_reason, payer_vpa, payee_vpa, amount_paise::int AS amount_paise, note, items FROM payments.payments',
    )
  ).rows;
  const byId = new Map(payments.map((p) => [p.id, p]));
  const accepted = sent.requests.filter((r) => r.paymentId);
  const acceptedIds = new Set(accepted.map((r) => r.paymentId!));
  for (const request of sent.requests) {
    if (request.status !== 202) problems.push(`request ${request.body.note} ended ${request.status ?? ''} ${request.error ?? ''}`);
  }
  if (acceptedIds.size !== accepted.length) problems.push(`${accepted.length - acceptedIds.size} accepted ids were given to two requests`);
  for (const request of accepted) {
    const payment = byId.get(request.paymentId!);
    if (!payment || payment.status === 'PENDING') {
      lose(`lost: ${request.body.note} ${request.paymentId} is ${payment?.status ?? 'missing'}`);
    } else if (!outcomeMatches(request, payment)) {
      problems.push(
        `${request.body.note} ${payment.id} expected ${request.underfunded ? 'INSUFFICIENT_FUNDS (underfunded) or ' : ''}${request.expected}, is ${payment.status} ${payment.failure_reason ?? ''}`,
      );
    }
  }
  const perNote = new Map<string, number>();
  for (const p of payments) perNote.set(p.note, (perNote.get(p.note) ?? 0) + 1);
  for (const [note, n] of perNote) {
    if (n > 1) double(`doubled: ${n} payments for request ${note}`);
  }
  for (const p of payments.filter((x) => !acceptedIds.has(x.id))) problems.push(`a payment no client accepted: ${p.note} ${p.id}`);
  // EXPIRED is a correct end for one payment (the deadline is part of the contract), but only as
  // often as the scenario's fault explains: this scenario's payments, since earlier ones were final at their check.
  const mine = sent.requests.filter((r) => r.scenario === scenario);
  const statusOf = (r: PaymentRequest) => (r.paymentId ? byId.get(r.paymentId) : undefined);
  const expired = mine.filter((r) => statusOf(r)?.failure_reason === 'EXPIRED');
  const explainedExpiries = options.explainedExpiries ?? 0;
  if (expired.length > explainedExpiries) {
    const some = expired
      .slice(0, 5)
      .map((r) => r.body.note)
      .join(', ');
    problems.push(
      `${scenario}: ${expired.length} of its ${mine.length} payments ended EXPIRED, its fault explains at most ${explainedExpiries} (${some}${expired.length > 5 ? ', …' : ''})`,
    );
  }

  // 2. Notifications: exactly one per (subject, recipient, type) that a payment's outcome, a refund's
  //    or a dispute's calls for, nothing else (the subject: the payment, the refund or the dispute).
  const expectedNotes = new Set<string>();
  for (const p of payments) {
    if (p.status === 'SUCCEEDED') expectedNotes.add(`${p.id} ${p.payer_vpa} PAYMENT_SENT`).add(`${p.id} ${p.payee_vpa} PAYMENT_RECEIVED`);
    if (p.status === 'FAILED') expectedNotes.add(`${p.id} ${p.payer_vpa} PAYMENT_FAILED`);
  }
  const ids = payments.map((p) => p.id);
  const refunds = (
    await system.db.query<{ id: string; status: string; payer_vpa: string; payee_vpa: string; by_payee: boolean }>(
      `SELECT r.id, r.status, p.payer_vpa, p.payee_vpa, r.requested_by = p.payee_user_id AS by_payee
         FROM payments.refunds r JOIN payments.payments p ON p.id = r.payment_id WHERE p.id = ANY($1::uuid[])`,
      [ids],
    )
  ).rows;
  for (const r of refunds) {
    if (r.status === 'SUCCEEDED') expectedNotes.add(`${r.id} ${r.payee_vpa} REFUND_SENT`).add(`${r.id} ${r.payer_vpa} REFUND_RECEIVED`);
    // told to whoever asked: the payee at their VPA, anyone else (an operator, a dispute's refund) at none
    if (r.status === 'FAILED') expectedNotes.add(`${r.id} ${r.by_payee ? r.payee_vpa : null} REFUND_FAILED`);
  }
  const disputes = (
    await system.db.query<{ id: string; status: string; payer_vpa: string; payee_vpa: string; escalated: boolean }>(
      `SELECT id, status, payer_vpa, payee_vpa, escalated_at IS NOT NULL AS escalated FROM disputes.disputes WHERE payment_id = ANY($1::uuid[])`,
      [ids],
    )
  ).rows;
  for (const d of disputes) {
    expectedNotes.add(`${d.id} ${d.payee_vpa} DISPUTE_OPENED`);
    if (d.status.startsWith('RESOLVED_'))
      expectedNotes.add(`${d.id} ${d.payer_vpa} DISPUTE_RESOLVED`).add(`${d.id} ${d.payee_vpa} DISPUTE_RESOLVED`);
    if (d.escalated) expectedNotes.add(`${d.id} null DISPUTE_ESCALATED`);
  }
  const sentNotes = (
    await system.db.query<{ subject_id: string; recipient_vpa: string | null; type: string }>(
      'SELECT subject_id, recipient_vpa, type FROM notifications.notifications WHERE payment_id = ANY($1::uuid[])',
      [ids],
    )
  ).rows.map((n) => `${n.subject_id} ${n.recipient_vpa} ${n.type}`);
  const seen = new Set<string>();
  for (const n of sentNotes) {
    if (!expectedNotes.has(n) || seen.has(n)) double(`unexpected notification: ${n}`);
    seen.add(n);
  }
  for (const n of expectedNotes) {
    if (!seen.has(n)) lose(`missing notification: ${n}`);
  }

  // 3. Stock is conserved: initial − committed = stock, nothing reserved once all are final.
  const committed = new Map<string, number>();
  for (const p of payments.filter((x) => x.status === 'SUCCEEDED')) {
    for (const item of p.items) committed.set(item.sku, (committed.get(item.sku) ?? 0) + item.quantity);
  }
  const products = new Map(
    (
      await system.db.query<{ sku: string; stock: number; reserved: number }>('SELECT sku, stock, reserved FROM inventory.products')
    ).rows.map((r) => [r.sku, r]),
  );
  for (const [sku, initial] of sent.products) {
    const product = products.get(sku);
    const expected = initial - (committed.get(sku) ?? 0);
    if (!product || product.stock !== expected || product.reserved !== 0) {
      problems.push(`stock of ${sku}: expected stock ${expected} reserved 0, is ${JSON.stringify(product)}`);
    }
  }
  const reservations = new Map(
    (await system.db.query<{ payment_id: string; status: string }>('SELECT payment_id, status FROM inventory.reservations')).rows.map(
      (r) => [r.payment_id, r.status],
    ),
  );
  for (const p of payments) {
    const status = reservations.get(p.id);
    const ok =
      p.items.length === 0
        ? status === undefined
        : p.status === 'SUCCEEDED'
          ? status === 'COMMITTED'
          : status === undefined || status === 'RELEASED' || status === 'REJECTED';
    if (!ok) problems.push(`reservation of ${p.status} payment ${p.note} ${p.id} is ${status}`);
  }

  // 4. Analytics counts equal the payments' real statuses, per payment and in the summary.
  const facts = new Map(
    (
      await system.db.query<{ payment_id: string; status: string; failure_reason: string | null }>(
        'SELECT payment_id, status, failure_reason FROM analytics.payment_facts',
      )
    ).rows.map((f) => [f.payment_id, f]),
  );
  for (const p of payments) {
    const fact = facts.get(p.id);
    if (!fact || fact.status !== p.status || fact.failure_reason !== p.failure_reason) {
      problems.push(
        `analytics has ${p.note} ${p.id} as ${fact ? `${fact.status} ${fact.failure_reason}` : 'nothing'}, payments as ${p.status} ${p.failure_reason}`,
      );
    }
  }
  if (facts.size > payments.length) problems.push(`analytics knows ${facts.size - payments.length} payments that payments does not`);
  const summary = (await (
    await fetch(`${system.url('analytics')}/v1/analytics/summary`, {
      headers: { authorization: `Bearer ${await system.identities.operator()}` },
    })
  ).json()) as Summary;
  const real = summaryOf(payments);
  for (const field of ['initiated', 'succeeded', 'failed', 'pending'] as const) {
    if (summary[field] !== real[field]) problems.push(`analytics summary ${field} ${summary[field]}, real ${real[field]}`);
  }
  for (const [reason, n] of Object.entries(real.failuresByReason)) {
    if ((summary.failuresByReason?.[reason] ?? 0) !== n)
      problems.push(`analytics failuresByReason.${reason} ${summary.failuresByReason?.[reason]}, real ${n}`);
  }

  // 5. Dead letters: exactly the poison messages put on the topics each service consumes.
  let deadLettered = 0;
  let expectedDeadLetters = 0;
  for (const service of SERVICES) {
    const expected = CONSUMES[service].reduce((sum, t) => sum + (sent.poison.get(t) ?? 0), 0);
    const actual = await messageCount(system, topic(system, deadLetterTopic(service)));
    deadLettered += actual;
    expectedDeadLetters += expected;
    if (actual !== expected) problems.push(`${service}'s dead-letter topic holds ${actual} messages, ${expected} were injected for it`);
  }

  // 6. The bank: money conserved, never negative, holds adding up, every payment agreeing with the ledger.
  const bank = await checkBank(system, sent, payments);
  problems.push(...bank.problems);

  // Only what is new is this scenario's: an earlier scenario's violations were reported with it.
  const fresh = problems.filter((text) => !sent.reported.has(text));
  problems.forEach((text) => sent.reported.add(text));
  const figures: Figures = {
    sent: mine.length,
    accepted: mine.filter((r) => r.paymentId).length,
    final: mine.filter((r) => statusOf(r) && statusOf(r)!.status !== 'PENDING').length,
    lost: lostOnes.filter((text) => fresh.includes(text)).length,
    doubled: doubledOnes.filter((text) => fresh.includes(text)).length,
    deadLettered,
    expectedDeadLetters,
    expired: expired.length,
    explainedExpiries,
    retried: mine.filter((r) => r.attempts > 1).length,
    drainSeconds: Number(drained.seconds.toFixed(1)),
    bank: bank.figures,
  };
  console.log(
    `[faults] ${scenario.padEnd(24)} sent ${figures.sent} | accepted ${figures.accepted} | final ${figures.final} | ` +
      `lost ${figures.lost} | doubled ${figures.doubled} | dead-lettered ${figures.deadLettered}/${figures.expectedDeadLetters} | ` +
      `expired ${figures.expired} (≤ ${figures.explainedExpiries}) | retried ${figures.retried}${retryCauses(mine)} | drain ${figures.drainSeconds} s | ` +
      `payments in total ${payments.length} | new violations ${fresh.length}`,
  );
  console.log(`[faults] ${scenario.padEnd(24)} ${bankLine(bank.figures)}`);
  if (fresh.length) {
    system.failed = true;
    throw new Error(`${scenario}: ${fresh.length} invariant violation(s):\n  ${fresh.slice(0, 60).join('\n  ')}\n\n${system.tails()}`);
  }
  return figures;
}

/** e.g. " (network 12, 503 3)": what the client's retries answered. */
function retryCauses(requests: PaymentRequest[]): string {
  const causes = new Map<string, number>();
  for (const r of requests) for (const cause of r.retriedOn) causes.set(String(cause), (causes.get(String(cause)) ?? 0) + 1);
  return causes.size ? ` (${[...causes].map(([cause, n]) => `${cause} ${n}`).join(', ')})` : '';
}

/**
 * Whether a payment ended as its content and its payer's funds call for; EXPIRED is counted against
 * the scenario's bound instead. An underfunded payer's payment fails: INSUFFICIENT_FUNDS, or the
 * failure its content calls for if that outcome came first.
 */
function outcomeMatches(request: PaymentRequest, p: PaymentRow): boolean {
  if (p.failure_reason === 'EXPIRED') return true;
  if (request.underfunded) {
    return (
      p.failure_reason === 'INSUFFICIENT_FUNDS' || (p.status === 'FAILED' && request.expected !== 'SUCCEEDED' && contentMatches(request, p))
    );
  }
  return contentMatches(request, p);
}

function contentMatches(request: PaymentRequest, p: PaymentRow): boolean {
  switch (request.expected) {
    case 'SUCCEEDED':
      return p.status === 'SUCCEEDED';
    case 'FRAUD_REJECTED':
      return p.failure_reason === 'FRAUD_REJECTED';
    case 'OUT_OF_STOCK':
      return p.failure_reason === 'OUT_OF_STOCK';
    case 'SUCCEEDED_OR_OUT_OF_STOCK':
      return p.status === 'SUCCEEDED' || p.failure_reason === 'OUT_OF_STOCK';
  }
}

function summaryOf(payments: PaymentRow[]) {
  const failuresByReason: Record<string, number> = {};
  for (const p of payments) if (p.failure_reason) failuresByReason[p.failure_reason] = (failuresByReason[p.failure_reason] ?? 0) + 1;
  return {
    initiated: payments.length,
    succeeded: payments.filter((p) => p.status === 'SUCCEEDED').length,
    failed: payments.filter((p) => p.status === 'FAILED').length,
    pending: payments.filter((p) => p.status === 'PENDING').length,
    failuresByReason,
  };
}
