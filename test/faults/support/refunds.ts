import { randomUUID } from 'node:crypto';
import { formatPaise } from '@app/contracts';
import { retrying } from '@app/platform';
import { sleep } from './broker';
import { LoadStream } from './load';
import { FaultSystem } from './system';

/*
 * Refunds and disputes after a stream of payments, as their clients make them: the payee's user
 * refunds part of some SUCCEEDED payments (POST /v1/payments/:id/refunds, each request with an
 * Idempotency-Key of its own), and payers dispute others, which an operator reviews and resolves
 * for the payer (the disputes service; the payments service then makes the dispute's refund). Each
 * request is retried until it gets a final answer, so a service killed meanwhile only delays it;
 * `check` then says whether each refund was made exactly once and ended SUCCEEDED.
 */

/** What a retried request last answered: its status ('network' when nothing came back), body and replay header. */
interface Answer {
  status: number | 'network';
  body: unknown;
  replayed: boolean;
}

const codeOf = (answer: Answer): string | undefined =>
  answer.body && typeof answer.body === 'object' ? ((answer.body as { code?: unknown }).code as string | undefined) : undefined;
const idOf = (body: unknown): string | undefined => {
  const id = (body as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
};
const told = (answer: Answer) => `${answer.status} ${JSON.stringify(answer.body ?? '').slice(0, 300)}`;

/** One request with a bearer token (and extra headers); a network error or timeout answers 'network'. */
async function send(method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: kept as text */
    }
    return { status: response.status, body: parsed, replayed: response.headers.get('idempotent-replayed') === 'true' };
  } catch (error) {
    return { status: 'network', body: (error as Error).message, replayed: false };
  }
}

/** A payee's refund request, and what became of it. */
export interface RefundRequest {
  /** The payment's sequence number in its stream. */
  seq: number;
  paymentId: string;
  key: string;
  /** `reason` names the request (scenario and sequence number): no two requests share one. */
  body: { amount: string; reason: string };
  amountPaise: number;
  attempts: number;
  /** Status codes (or 'network') of the attempts that were retried. */
  retriedOn: Array<number | 'network'>;
  /** The answer that was final: 202 for a refund accepted. */
  status?: number;
  refundId?: string;
  /** Whether the final answer was a replay (Idempotent-Replayed: an earlier attempt had made the refund). */
  replayed?: boolean;
  error?: string;
}

export type DisputeStep = 'open' | 'review' | 'resolve';

/** A payer's dispute of a payment, opened, reviewed and resolved for the payer, and what each step answered. */
export interface DisputeCase {
  seq: number;
  paymentId: string;
  payerToken: string;
  amountPaise: number;
  disputeId?: string;
  /** Attempts per step. */
  attempts: Record<DisputeStep, number>;
  retriedOn: Array<number | 'network'>;
  /**
   * Steps whose retry was refused (409) because an earlier attempt, whose answer was lost, had made
   * it: the dispute's state, read again, shows the step made.
   */
  foundMade: DisputeStep[];
  /** Resolved for the payer: the resolve step got its final answer (or was found made). */
  resolved: boolean;
  error?: string;
}

export interface RefundsAndDisputesOptions {
  system: FaultSystem;
  scenario: string;
  /** The payments stream whose SUCCEEDED payments are refunded and disputed. */
  stream: LoadStream;
  /** The token of the payees' user (every SUCCEEDED payment of a stream is the merchant's). */
  payeeToken: string;
  operatorToken: string;
  /** The payment of every `refundEvery`-th request is refunded in part by its payee, if it SUCCEEDED (default 3). */
  refundEvery?: number;
  /** …and that of every `disputeEvery`-th is disputed by its payer and resolved for them (default 5). */
  disputeEvery?: number;
  /** Requests (refunds, or disputes taken through their steps) at a time (default 6). */
  concurrency?: number;
  /** How long one request is retried before the client gives up (default 150 s). */
  retryForMs?: number;
}

/**
 * Follows a payment stream: once a payment of every third request has SUCCEEDED (payments' own
 * row, polled), its payee's user refunds a third of it; once one of every fifth has, its payer
 * disputes half of it, an operator reviews the dispute and resolves it for the payer. A payment
 * picked by both gets both (a third and a half: within its amount). A refund request carries an
 * Idempotency-Key of its own and is retried with it on a network error, a 5xx, a 408 or a 409 other
 * than PAYMENT.NOT_SUCCEEDED; each dispute step is retried on a network error, a 5xx or a 408, the
 * opening also while the disputes service has not learnt the payment or its success yet (404, 422
 * PAYMENT.NOT_SUCCEEDED). `done` resolves when the stream has ended, its picked payments are final
 * and every request has its final answer.
 */
export class RefundsAndDisputes {
  readonly refunds: RefundRequest[] = [];
  readonly disputes: DisputeCase[] = [];
  done!: Promise<void>;
  /** Attempts begun, refunds and dispute steps: what a fault waits for to hit work in flight. */
  refundAttempts = 0;
  disputeAttempts = 0;
  private readonly queue: Array<() => Promise<void>> = [];
  private producing = true;
  private readonly stopping = new AbortController();

  constructor(private readonly options: RefundsAndDisputesOptions) {}

  start(): this {
    const workers = Array.from({ length: this.options.concurrency ?? 6 }, () => this.work());
    this.done = Promise.all([this.follow().finally(() => (this.producing = false)), ...workers]).then(() => undefined);
    return this;
  }

  /** Ends the work at once (a failed scenario's): no new request, no retry; resolves when the requests in flight have ended. */
  stop(): Promise<void> {
    this.stopping.abort();
    return this.done;
  }

  /** Resolves once at least `refunds` refund attempts and `disputeSteps` dispute step attempts have begun, or all is done. */
  async whenUnderWay(refunds: number, disputeSteps: number): Promise<void> {
    let ended = false;
    void this.done.then(() => (ended = true));
    while ((this.refundAttempts < refunds || this.disputeAttempts < disputeSteps) && !ended) await sleep(50);
  }

  /** Polls the stream's picked payments until each is final; queues the work of those that SUCCEEDED. */
  private async follow(): Promise<void> {
    const { system, stream, refundEvery = 3, disputeEvery = 5 } = this.options;
    let ended = false;
    void stream.done.then(() => (ended = true));
    const decided = new Set<number>();
    // Every payment ends within PAYMENT_TIMEOUT_S of its acceptance; a minute more for the drain of a fault.
    const patienceMs = Number(system.env.PAYMENT_TIMEOUT_S) * 1000 + 60_000;
    let deadline = Date.now() + patienceMs;
    while (!this.stopping.signal.aborted) {
      const streamEnded = ended;
      const open = stream.requests
        .map((request, seq) => ({ request, seq }))
        .filter(({ seq }) => !decided.has(seq) && (seq % refundEvery === 0 || seq % disputeEvery === 0));
      for (const { request, seq } of open) if (streamEnded && !request.paymentId) decided.add(seq); // never accepted
      const waiting = open.filter(({ request }) => request.paymentId);
      if (waiting.length) {
        const { rows } = await system.db
          .query<{ id: string; status: string; amount_paise: number }>(
            'SELECT id, status, amount_paise::int AS amount_paise FROM payments.payments WHERE id = ANY($1::uuid[])',
            [waiting.map(({ request }) => request.paymentId)],
          )
          .catch(() => ({ rows: [] as Array<{ id: string; status: string; amount_paise: number }> }));
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const { request, seq } of waiting) {
          const payment = byId.get(request.paymentId!);
          if (!payment || payment.status === 'PENDING') continue;
          decided.add(seq);
          if (payment.status !== 'SUCCEEDED') continue;
          if (seq % refundEvery === 0) this.queueRefund(seq, payment.id, Math.floor(payment.amount_paise / 3));
          if (seq % disputeEvery === 0) this.queueDispute(seq, payment.id, request.token, Math.floor(payment.amount_paise / 2));
        }
      }
      if (!streamEnded) deadline = Date.now() + patienceMs;
      const left = stream.requests.filter((_, seq) => (seq % refundEvery === 0 || seq % disputeEvery === 0) && !decided.has(seq));
      if (streamEnded && (left.length === 0 || Date.now() > deadline)) return; // what is left unfinished the invariants report
      await sleep(250);
    }
  }

  private async work(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const task = this.queue.shift();
      if (task) await task();
      else if (!this.producing) return;
      else await sleep(50);
    }
  }

  private queueRefund(seq: number, paymentId: string, amountPaise: number): void {
    const request: RefundRequest = {
      seq,
      paymentId,
      key: randomUUID(),
      body: { amount: formatPaise(amountPaise), reason: `${this.options.scenario}#${seq}: part of the order returned` },
      amountPaise,
      attempts: 0,
      retriedOn: [],
    };
    this.refunds.push(request);
    this.queue.push(() => this.refund(request));
  }

  private queueDispute(seq: number, paymentId: string, payerToken: string, amountPaise: number): void {
    const dispute: DisputeCase = {
      seq,
      paymentId,
      payerToken,
      amountPaise,
      attempts: { open: 0, review: 0, resolve: 0 },
      retriedOn: [],
      foundMade: [],
      resolved: false,
    };
    this.disputes.push(dispute);
    this.queue.push(() => this.dispute(dispute));
  }

  /** Retries `attempt` while it answers what `retry` says is worth another try (bounded); answers the last answer. */
  private async retried(attempt: () => Promise<Answer>, retry: (a: Answer) => boolean, onRetry: (a: Answer) => void): Promise<Answer> {
    const deadline = Date.now() + (this.options.retryForMs ?? 150_000);
    let last: Answer | undefined;
    try {
      return await retrying(
        async () => {
          last = await attempt();
          if (retry(last)) {
            onRetry(last);
            throw new Error(`answered ${last.status}`);
          }
          return last;
        },
        { initialDelayMs: 200, maxDelayMs: 2000, jitter: true, retryIf: () => Date.now() <= deadline, signal: this.stopping.signal },
      );
    } catch {
      throw new Error(`gave up; the last answer: ${last ? told(last) : 'none'}`);
    }
  }

  private async refund(r: RefundRequest): Promise<void> {
    const { system, payeeToken } = this.options;
    const transient = (a: Answer) =>
      a.status === 'network' || a.status >= 500 || a.status === 408 || (a.status === 409 && codeOf(a) !== 'PAYMENT.NOT_SUCCEEDED');
    try {
      const answer = await this.retried(
        () => {
          r.attempts += 1;
          this.refundAttempts += 1;
          return send('POST', `${system.url('payments')}/v1/payments/${r.paymentId}/refunds`, payeeToken, r.body, {
            'idempotency-key': r.key,
          });
        },
        transient,
        (a) => r.retriedOn.push(a.status),
      );
      r.status = answer.status as number;
      r.replayed = answer.replayed;
      if (answer.status === 202) r.refundId = idOf(answer.body);
      else r.error = told(answer);
    } catch (error) {
      r.error = `after ${r.attempts} attempts: ${(error as Error).message}`;
    }
  }

  private async dispute(d: DisputeCase): Promise<void> {
    const { system, operatorToken, scenario } = this.options;
    const url = (path = '') => `${system.url('disputes')}/v1/disputes${path}`;
    const transient = (a: Answer) => a.status === 'network' || a.status >= 500 || a.status === 408;
    const step = (name: DisputeStep, attempt: () => Promise<Answer>, alsoRetry: (a: Answer) => boolean = () => false) =>
      this.retried(
        () => {
          d.attempts[name] += 1;
          this.disputeAttempts += 1;
          return attempt();
        },
        (a) => transient(a) || alsoRetry(a),
        (a) => d.retriedOn.push(a.status),
      );
    const read = (path: string, token: string) =>
      this.retried(
        () => send('GET', url(path), token),
        transient,
        () => undefined,
      );
    /** A 409 to a retried step is no failure when the dispute shows the step made: the lost answer's attempt made it. */
    const madeBefore = async (name: DisputeStep, answer: Answer, statuses: string[]): Promise<boolean> => {
      if (answer.status !== 409 || d.attempts[name] < 2) return false;
      const shown = await read(`/${d.disputeId}`, operatorToken);
      const made = shown.status === 200 && statuses.includes((shown.body as { status?: string }).status ?? '');
      if (made) d.foundMade.push(name);
      return made;
    };
    try {
      const body = {
        paymentId: d.paymentId,
        reason: 'NOT_RECEIVED',
        description: `${scenario}#${d.seq}: the order never arrived`,
        amount: formatPaise(d.amountPaise),
      };
      // 404 and 422 PAYMENT.NOT_SUCCEEDED: the disputes service has not learnt the payment, or its success, from the events yet.
      const opened = await step(
        'open',
        () => send('POST', url(), d.payerToken, body),
        (a) => a.status === 404 || (a.status === 422 && codeOf(a) === 'PAYMENT.NOT_SUCCEEDED'),
      );
      if (opened.status === 201) d.disputeId = idOf(opened.body);
      else if (opened.status === 409 && codeOf(opened) === 'DISPUTE.ALREADY_OPEN' && d.attempts.open > 1) {
        // The answer of an attempt that opened it was lost: the payer finds the dispute among theirs.
        const list = await read('?limit=100', d.payerToken);
        const mine = ((list.body as { data?: Array<{ id: string; paymentId: string; status: string }> } | undefined)?.data ?? []).filter(
          (x) => x.paymentId === d.paymentId && x.status === 'OPEN',
        );
        if (mine.length !== 1)
          throw new Error(`open answered ${told(opened)}, and the payer's disputes of the payment are ${JSON.stringify(mine)}`);
        d.disputeId = mine[0].id;
        d.foundMade.push('open');
      } else throw new Error(`open answered ${told(opened)}`);

      const reviewed = await step('review', () => send('POST', url(`/${d.disputeId}/review`), operatorToken));
      if (reviewed.status !== 200 && !(await madeBefore('review', reviewed, ['UNDER_REVIEW', 'RESOLVED_FOR_PAYER'])))
        throw new Error(`review answered ${told(reviewed)}`);

      const note = `${scenario}#${d.seq}: refund the payer`;
      const resolved = await step('resolve', () => send('POST', url(`/${d.disputeId}/resolve`), operatorToken, { outcome: 'PAYER', note }));
      if (resolved.status !== 200 && !(await madeBefore('resolve', resolved, ['RESOLVED_FOR_PAYER'])))
        throw new Error(`resolve answered ${told(resolved)}`);
      d.resolved = true;
    } catch (error) {
      d.error = `${(error as Error).message} (attempts ${JSON.stringify(d.attempts)})`;
    }
  }

  /**
   * Waits (bounded) until every dispute resolved for the payer has its refund at payments and no
   * refund of the stream's payments is PENDING any more; returns quietly at the deadline, and the
   * check reports what is missing.
   */
  async untilRefundsFinal(timeoutMs = 180_000): Promise<void> {
    const { system } = this.options;
    const paymentIds = this.options.stream.requests.filter((r) => r.paymentId).map((r) => r.paymentId!);
    const resolved = this.disputes.filter((d) => d.resolved).map((d) => d.disputeId!);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const state = await system.db
        .query<{ pending: number; disputes_refunded: number }>(
          `SELECT count(*) FILTER (WHERE status = 'PENDING')::int AS pending,
                  count(DISTINCT dispute_id) FILTER (WHERE dispute_id = ANY($2::uuid[]))::int AS disputes_refunded
             FROM payments.refunds WHERE payment_id = ANY($1::uuid[])`,
          [paymentIds, resolved],
        )
        .then((result) => result.rows[0])
        .catch(() => undefined);
      if (state && state.pending === 0 && state.disputes_refunded === resolved.length) return;
      await sleep(500);
    }
  }

  /**
   * Checks, over what payments, the disputes service and the clients say (after the drain):
   * - no refund doubled: each accepted refund request has exactly one refund row (by its reason,
   *   which names it), the one its answer named, and its Idempotency-Key maps to that refund; each
   *   dispute resolved for the payer has exactly one refund row with its id, of the disputed
   *   amount; no dispute was opened twice; no refund row exists that nobody asked for;
   * - none lost: every refund request was accepted, every dispute resolved for the payer, and
   *   every refund of theirs is SUCCEEDED (a FAILED one is reported with its reason);
   * - each payment's refunds never pass its amount, and its running sums are its refunds';
   * - each resolved dispute shows its refund, SUCCEEDED (GET /v1/disputes/:id as the operator);
   * - replaying every refund request (same key, same body) answers the same refund, as a replay.
   */
  async check(payeeUserId: string): Promise<RefundFigures> {
    const { system, operatorToken, payeeToken } = this.options;
    const problems: string[] = [];
    const lost: string[] = [];
    const doubled: string[] = [];
    const paymentIds = this.options.stream.requests.filter((r) => r.paymentId).map((r) => r.paymentId!);

    const rows = (
      await system.db.query<{
        id: string;
        payment_id: string;
        amount_paise: number;
        reason: string;
        status: string;
        failure_reason: string | null;
        dispute_id: string | null;
      }>(
        `SELECT id, payment_id, amount_paise::int AS amount_paise, reason, status, failure_reason, dispute_id
           FROM payments.refunds WHERE payment_id = ANY($1::uuid[])`,
        [paymentIds],
      )
    ).rows;
    const keys = new Map(
      (
        await system.db.query<{ key: string; refund_id: string }>(
          'SELECT key, refund_id FROM payments.refund_idempotency_keys WHERE user_id = $1 AND key = ANY($2::text[])',
          [payeeUserId, this.refunds.map((r) => r.key)],
        )
      ).rows.map((k) => [k.key, k.refund_id]),
    );
    const outcome = (row: (typeof rows)[number]) => `${row.status}${row.failure_reason ? ` ${row.failure_reason}` : ''}`;

    // Refunds the payee asked for.
    const asked = new Set<string>();
    let succeeded = 0;
    for (const r of this.refunds) {
      const name = `refund ${r.body.reason}`;
      if (r.status !== 202 || !r.refundId) {
        lost.push(`${name} of payment ${r.paymentId} was not accepted: ${r.status ?? ''} ${r.error ?? ''}`);
        continue;
      }
      const made = rows.filter((row) => row.reason === r.body.reason && row.dispute_id === null);
      made.forEach((row) => asked.add(row.id));
      if (made.length === 0) lost.push(`${name}: accepted as ${r.refundId}, payments has no such refund`);
      else if (made.length > 1) doubled.push(`${name}: ${made.length} refunds made (${made.map((row) => row.id).join(', ')})`);
      else if (made[0].id !== r.refundId) problems.push(`${name}: answered ${r.refundId}, payments made ${made[0].id}`);
      else if (made[0].status !== 'SUCCEEDED')
        lost.push(`${name} (${r.refundId}, ${r.body.amount} of ${r.paymentId}) ended ${outcome(made[0])}`);
      else succeeded += 1;
      if (keys.get(r.key) !== r.refundId)
        problems.push(`${name}: its Idempotency-Key names refund ${keys.get(r.key) ?? 'none'}, not ${r.refundId}`);
    }

    // Disputes resolved for the payer.
    const disputed = await system.db.query<{ payment_id: string; n: number }>(
      'SELECT payment_id, count(*)::int AS n FROM disputes.disputes WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id',
      [this.disputes.map((d) => d.paymentId)],
    );
    for (const { payment_id, n } of disputed.rows)
      if (n !== 1) doubled.push(`payment ${payment_id} has ${n} disputes, its payer opened one`);
    const ours = new Set(this.disputes.map((d) => d.disputeId).filter((id): id is string => !!id));
    let refundedOnce = 0;
    for (const d of this.disputes) {
      const name = `dispute ${this.options.scenario}#${d.seq} ${d.disputeId ?? '(not opened)'} of payment ${d.paymentId}`;
      if (!d.resolved) {
        lost.push(`${name} was not resolved for the payer: ${d.error ?? ''}`);
        continue;
      }
      const made = rows.filter((row) => row.dispute_id === d.disputeId);
      if (made.length === 0) lost.push(`${name}: resolved for the payer, no refund made`);
      else if (made.length > 1) doubled.push(`${name}: ${made.length} refunds made (${made.map((row) => row.id).join(', ')})`);
      else if (made[0].amount_paise !== d.amountPaise)
        problems.push(`${name}: refunded ${made[0].amount_paise} paise, disputed ${d.amountPaise}`);
      else if (made[0].status !== 'SUCCEEDED') lost.push(`${name}: its refund ${made[0].id} ended ${outcome(made[0])}`);
      else refundedOnce += 1;
      const view = await send('GET', `${system.url('disputes')}/v1/disputes/${d.disputeId}`, operatorToken);
      const shown = view.body as { status?: string; refund?: { id: string; status: string; failureReason: string | null } | null };
      const expected = { status: 'RESOLVED_FOR_PAYER', refund: made.length === 1 ? { id: made[0].id, status: 'SUCCEEDED' } : 'one refund' };
      const actual = {
        status: shown?.status,
        refund: shown?.refund ? { id: shown.refund.id, status: shown.refund.status } : shown?.refund,
      };
      if (view.status !== 200 || JSON.stringify(actual) !== JSON.stringify(expected))
        problems.push(`${name} shows ${view.status} ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    }
    for (const row of rows) {
      if (row.dispute_id ? !ours.has(row.dispute_id) : !asked.has(row.id))
        problems.push(`refund ${row.id} of payment ${row.payment_id} (${row.reason}): nobody asked for it`);
    }

    // Within each payment's amount, and its running sums equal to its refunds.
    const sums = (
      await system.db.query<{ id: string; amount_paise: number; refunded_paise: number; committed_paise: number }>(
        `SELECT id, amount_paise::int AS amount_paise, refunded_paise::int AS refunded_paise, refunds_committed_paise::int AS committed_paise
           FROM payments.payments WHERE id = ANY($1::uuid[])`,
        [paymentIds],
      )
    ).rows;
    let overRefunded = 0;
    for (const p of sums) {
      const mine = rows.filter((row) => row.payment_id === p.id);
      const total = (statuses: string[]) =>
        mine.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + row.amount_paise, 0);
      const [refunded, committed] = [total(['SUCCEEDED']), total(['SUCCEEDED', 'PENDING'])];
      if (committed > p.amount_paise) {
        overRefunded += 1;
        problems.push(`payment ${p.id} of ${p.amount_paise} paise: its refunds take ${committed}`);
      }
      if (p.refunded_paise !== refunded || p.committed_paise !== committed)
        problems.push(
          `payment ${p.id}: refunded ${p.refunded_paise} and committed ${p.committed_paise} paise, its refunds make ${refunded} and ${committed}`,
        );
    }

    // Every accepted refund request, sent again: the same refund, as a replay, and nothing new.
    let replaysDiffering = 0;
    for (const r of this.refunds.filter((x) => x.refundId)) {
      const again = await send('POST', `${system.url('payments')}/v1/payments/${r.paymentId}/refunds`, payeeToken, r.body, {
        'idempotency-key': r.key,
      });
      if (again.status !== 202 || idOf(again.body) !== r.refundId || !again.replayed) {
        replaysDiffering += 1;
        problems.push(
          `refund ${r.body.reason} sent again answered ${again.replayed ? '(replayed) ' : ''}${told(again)}, first ${r.refundId}`,
        );
      }
    }
    const [{ n: rowsAfter }] = (
      await system.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payments.refunds WHERE payment_id = ANY($1::uuid[])', [
        paymentIds,
      ])
    ).rows;
    if (rowsAfter !== rows.length) doubled.push(`replaying the refund requests made ${rowsAfter - rows.length} refunds`);

    const retried = (xs: Array<{ retriedOn: unknown[] }>) => xs.filter((x) => x.retriedOn.length > 0).length;
    const hit = (xs: Array<{ retriedOn: Array<number | 'network'> }>) =>
      xs.filter((x) => x.retriedOn.some((cause) => cause === 'network' || cause >= 500)).length;
    return {
      refunds: {
        asked: this.refunds.length,
        accepted: this.refunds.filter((r) => r.refundId).length,
        succeeded,
        replayed: this.refunds.filter((r) => r.replayed).length,
        retried: retried(this.refunds),
        hitByOutage: hit(this.refunds),
        causes: causes(this.refunds),
      },
      disputes: {
        opened: this.disputes.filter((d) => d.disputeId).length,
        resolved: this.disputes.filter((d) => d.resolved).length,
        refundedOnce,
        retried: retried(this.disputes),
        hitByOutage: hit(this.disputes),
        causes: causes(this.disputes),
        foundMade: this.disputes.reduce((n, d) => n + d.foundMade.length, 0),
      },
      lost: lost.length,
      doubled: doubled.length,
      overRefunded,
      replaysDiffering,
      problems: [...lost, ...doubled, ...problems],
    };
  }
}

export interface RefundFigures {
  refunds: { asked: number; accepted: number; succeeded: number; replayed: number; retried: number; hitByOutage: number; causes: string };
  /** `hitByOutage`: requests (a dispute: its steps) retried on a network error or a 5xx, i.e. through an outage. */
  disputes: {
    opened: number;
    resolved: number;
    refundedOnce: number;
    retried: number;
    hitByOutage: number;
    causes: string;
    foundMade: number;
  };
  lost: number;
  doubled: number;
  overRefunded: number;
  replaysDiffering: number;
  problems: string[];
}

/** e.g. " (network 12, 404 3)": what the retried attempts answered. */
function causes(requests: Array<{ retriedOn: Array<number | 'network'> }>): string {
  const counts = new Map<string, number>();
  for (const r of requests) for (const cause of r.retriedOn) counts.set(String(cause), (counts.get(String(cause)) ?? 0) + 1);
  return counts.size ? ` (${[...counts].map(([cause, n]) => `${cause} ${n}`).join(', ')})` : '';
}
