import { randomUUID } from 'node:crypto';
import { parseRupees } from '@app/contracts';
import { retrying } from '@app/platform';
import { sleep } from './broker';
import { PayerPool } from './identities';

/** What a payment must end as, given how it was made (or EXPIRED, as often as the scenario's fault explains). */
export type Expected = 'SUCCEEDED' | 'FRAUD_REJECTED' | 'OUT_OF_STOCK' | 'SUCCEEDED_OR_OUT_OF_STOCK';

export interface PaymentBody {
  payerVpa: string;
  payeeVpa: string;
  amount: string;
  currency: 'INR';
  note: string;
  items?: Array<{ sku: string; quantity: number }>;
}

/** One logical payment a client wants made, and what became of its request. */
export interface PaymentRequest {
  scenario: string;
  key: string;
  /** The payer's access token (the holder of `body.payerVpa`). */
  token: string;
  body: PaymentBody;
  expected: Expected;
  /**
   * The payer was funded with less than the amount (on purpose, see `fundPayers`): the payment must
   * fail, INSUFFICIENT_FUNDS or the reason its content calls for (whichever outcome came first).
   */
  underfunded: boolean;
  attempts: number;
  /** Status codes (or 'network') of the attempts that were retried. */
  retriedOn: Array<number | 'network'>;
  status?: number;
  paymentId?: string;
  error?: string;
}

/**
 * Everything the test asked a system to do, across its scenarios (the payments it sent, the stock it
 * set, the poison it injected): what the invariants are checked against. Not the ledger service: the
 * test's own record of what it sent.
 */
export class SentPayments {
  readonly requests: PaymentRequest[] = [];
  /** sku → stock it was given */
  readonly products = new Map<string, number>();
  /** VPA → paise the operator deposited into its account at the ledger (one deposit each, by reference) */
  readonly deposits = new Map<string, number>();
  /** logical topic → poison messages put on it */
  readonly poison = new Map<string, number>();
  /** Violations reported by an earlier check: a later scenario reports only what is new. */
  readonly reported = new Set<string>();
}

/** The products of one scenario: plenty, scarce (some payments go OUT_OF_STOCK) and none at all. */
export interface ScenarioSkus {
  ample: string;
  scarce: string;
  empty: string;
}

export const BLOCKED_PAYEE = 'mallory@okbank';
export const MERCHANT = 'merchant@okbank';
/** Every payee a stream pays: linked to users of their own before the first stream. */
export const PAYEES = [MERCHANT, BLOCKED_PAYEE];
export const SCARCE_STOCK = 25;

/** The scenario's products, set by the operator (`operatorToken`). */
export async function seedProducts(inventoryUrl: string, sent: SentPayments, tag: string, operatorToken: string): Promise<ScenarioSkus> {
  const skus = { ample: `AMPLE-${tag}`, scarce: `SCARCE-${tag}`, empty: `EMPTY-${tag}` };
  const stocks: Array<[string, number]> = [
    [skus.ample, 1_000_000],
    [skus.scarce, SCARCE_STOCK],
    [skus.empty, 0],
  ];
  for (const [sku, stock] of stocks) {
    const response = await fetch(`${inventoryUrl}/v1/inventory/products/${sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken}` },
      body: JSON.stringify({ name: `Fault suite ${sku}`, stock }),
    });
    if (response.status !== 201) throw new Error(`seeding ${sku}: ${response.status} ${await response.text()}`);
    sent.products.set(sku, stock);
  }
  return skus;
}

/**
 * The payment of sequence number `seq`, from `payerVpa`, a payer of its own (so velocity never fires):
 * 50% plain, 15% to a blocklisted payee (half of them with items: reserved, then released),
 * 15% with plenty of stock, 15% on a scarce product (some alone, some with a plentiful one: all or
 * nothing), 5% on a product with no stock.
 */
export function paymentFor(scenario: string, seq: number, skus: ScenarioSkus, payerVpa: string): { body: PaymentBody; expected: Expected } {
  const base = {
    payerVpa,
    payeeVpa: MERCHANT,
    amount: `${(seq % 900) + 1}.${String(seq % 100).padStart(2, '0')}`,
    currency: 'INR' as const,
    note: `${scenario}#${seq}`,
  };
  const quantity = (seq % 3) + 1;
  const slot = seq % 20;
  if (slot < 10) return { body: base, expected: 'SUCCEEDED' };
  if (slot < 13) {
    const items = seq % 2 ? [{ sku: skus.ample, quantity }] : undefined;
    return { body: { ...base, payeeVpa: BLOCKED_PAYEE, ...(items ? { items } : {}) }, expected: 'FRAUD_REJECTED' };
  }
  if (slot < 16) return { body: { ...base, items: [{ sku: skus.ample, quantity }] }, expected: 'SUCCEEDED' };
  if (slot < 19) {
    const items = [{ sku: skus.scarce, quantity: (seq % 2) + 1 }, ...(slot === 18 ? [{ sku: skus.ample, quantity: 1 }] : [])];
    return { body: { ...base, items }, expected: 'SUCCEEDED_OR_OUT_OF_STOCK' };
  }
  return { body: { ...base, items: [{ sku: skus.empty, quantity: 1 }] }, expected: 'OUT_OF_STOCK' };
}

export interface LoadOptions {
  scenario: string;
  /** Where POST /v1/payments goes; asked again on every attempt. */
  target: () => string;
  skus: ScenarioSkus;
  sent: SentPayments;
  /** Registered beforehand: each payment takes the next payer (a pool too small fails the requests past its end). */
  payers: PayerPool;
  /** Payments per second (default 25). */
  rate?: number;
  /** At most this many payments (default rate × duration). */
  count?: number;
  /** Sending stops after this long (default 10 s). */
  durationMs?: number;
  /** How long one request is retried before the client gives up (default 150 s). */
  retryForMs?: number;
  /** The sequence number of the first payment (default 0): a second stream of a scenario goes on after the first. */
  firstSeq?: number;
}

/**
 * A steady stream of payments at a fixed rate, each from a payer of its own with the holder's
 * token, each request with its own Idempotency-Key, retried
 * with that same key on a network error, a 5xx or a 409 until it gets a 202 or another 4xx (bounded,
 * with backoff), as a careful client does. It stops by itself; `done` resolves when every request
 * has its answer.
 */
export class LoadStream {
  readonly requests: PaymentRequest[] = [];
  done!: Promise<void>;
  private sentCount = 0;
  private readonly inFlight: Array<Promise<void>> = [];

  constructor(private readonly options: LoadOptions) {}

  start(): this {
    this.done = this.run();
    return this;
  }

  get sent(): number {
    return this.sentCount;
  }

  /** Resolves once `n` payments have been sent (or the stream has ended). */
  async whenSent(n: number): Promise<void> {
    let ended = false;
    void this.done.then(() => (ended = true));
    while (this.sentCount < n && !ended) await sleep(50);
  }

  /**
   * Sends `n` more payments at once, beside the steady stream (e.g. to have many requests in flight
   * at the moment of a kill); resolves when the first of them has its answer.
   */
  async burst(n: number): Promise<void> {
    const sends = Array.from({ length: n }, () => this.sendNext());
    await Promise.race(sends);
  }

  private async run(): Promise<void> {
    const { rate = 25, durationMs = 10000 } = this.options;
    const count = this.options.count ?? Math.round((rate * durationMs) / 1000);
    const started = Date.now();
    for (let i = 0; i < count && Date.now() - started < durationMs; i++) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      void this.sendNext();
    }
    // requests added by a burst while waiting are waited for too
    for (let waited = 0; waited < this.inFlight.length;) {
      const n = this.inFlight.length;
      await Promise.all(this.inFlight.slice(0, n));
      waited = n;
    }
  }

  private sendNext(): Promise<void> {
    const { scenario, skus, sent, payers, firstSeq = 0 } = this.options;
    const seq = firstSeq + this.sentCount++;
    const payer = payers.take();
    const payment = paymentFor(scenario, seq, skus, payer?.vpa ?? `f-${scenario}-${seq}-unregistered@okbank`);
    const deposited = sent.deposits.get(payment.body.payerVpa);
    const request: PaymentRequest = {
      scenario,
      key: randomUUID(),
      token: payer?.token ?? '',
      ...payment,
      underfunded: deposited !== undefined && deposited < parseRupees(payment.body.amount)!,
      attempts: 0,
      retriedOn: [],
    };
    this.requests.push(request);
    sent.requests.push(request);
    if (!payer) {
      request.error = `no registered payer left for ${scenario}#${seq} (the pool had ${payers.size})`;
      return Promise.resolve();
    }
    const sending = this.send(request);
    this.inFlight.push(sending);
    return sending;
  }

  /**
   * Sends the request until it gets an answer that is not worth retrying: a 202, or a client
   * error other than 409 (the key is in use by an attempt still running) and 408 (the request was
   * not read in time). Network errors, 5xx, 408 and 409 are retried with the same Idempotency-Key, with jittered backoff, for `retryForMs`.
   */
  private async send(request: PaymentRequest): Promise<void> {
    const deadline = Date.now() + (this.options.retryForMs ?? 150000);
    try {
      const answer = await retrying(
        async () => {
          request.attempts += 1;
          const answer = await postPayment(this.options.target(), request);
          const { status, body } = answer;
          // 408: the server gave up reading the request (a starved client on a busy machine): nothing was made.
          if (status === 'network' || status >= 500 || status === 409 || status === 408) {
            request.retriedOn.push(status);
            throw new Error(`answered ${status}`);
          }
          return { status, body };
        },
        { initialDelayMs: 200, maxDelayMs: 2000, jitter: true, retryIf: () => Date.now() <= deadline },
      );
      request.status = answer.status;
      if (answer.status === 202) request.paymentId = paymentIdOf(answer.body);
      else request.error = JSON.stringify(answer.body).slice(0, 300);
    } catch {
      request.error = `gave up after ${request.attempts} attempts`;
    }
  }
}

/** The payment id of an answer's body, if it names one. */
export function paymentIdOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** One POST /v1/payments with the request's key, body and payer's token. */
export async function postPayment(url: string, request: Pick<PaymentRequest, 'key' | 'body' | 'token'>) {
  try {
    const response = await fetch(`${url}/v1/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': request.key, authorization: `Bearer ${request.token}` },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(10000),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status as number | 'network', body };
  } catch (error) {
    return { status: 'network' as const, body: (error as Error).message };
  }
}
