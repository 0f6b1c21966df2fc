import { randomBytes, randomInt } from 'node:crypto';
import { eventually } from '../../support/eventually';
import { Payment } from './api';
import { Answer, call, codeOf, outcomeOf } from './client';
import { OPERATOR_PHONES, RunningSystem } from './system';

/**
 * People of an end-to-end test, made as a client makes them: registered at the users service,
 * signed in for a real access token, their VPAs linked. Nothing here signs a token itself.
 */
export interface Person {
  id: string;
  name: string;
  phone: string;
  password: string;
  /** A token from POST /v1/auth/token. */
  token: string;
  roles: string[];
  /** The VPAs linked to them (lowercase). */
  vpas: string[];
}

/** A record of GET /v1/users/audit. */
export interface AuditRecord {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  resource: string | null;
  result: string;
  origin: string | null;
  detail: Record<string, unknown>;
}

/** An account as GET /v1/ledger/accounts/:vpa shows it (money.md). */
export interface Account {
  vpa: string;
  currency: string;
  balance: string;
  held: string;
  available: string;
  status: 'OPEN' | 'CLOSED';
  dailyLimit: string;
  spentToday: string;
}

export interface AccessToken {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
}

const usedPhones = new Set<string>(OPERATOR_PHONES);

/** A mobile number nobody in this test process has used: +91, then 10 digits, the first 6–9, never an operator's. */
export function uniquePhone(): string {
  for (;;) {
    const phone = `+91${randomInt(6, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
    if (!usedPhones.has(phone)) {
      usedPhones.add(phone);
      return phone;
    }
  }
}

/** A password of the allowed length (12–128) that nobody guesses. */
const newPassword = () => `pw-${randomBytes(12).toString('base64url')}`;

/** A VPA nobody has linked: `name.<random>@okbank`. */
export const uniqueVpa = (name: string) => `${name}.${randomBytes(4).toString('hex')}@okbank`;

export class Identities {
  private nextOperator = 0;
  private operatorPromise?: Promise<Person>;

  constructor(private readonly system: RunningSystem) {}

  private url(path: string) {
    return `${this.system.urls.users}${path}`;
  }

  /** POST /v1/users: the answer as it is. */
  register(body: { name: string; phone: string; password: string }): Promise<Answer> {
    return call('POST', this.url('/v1/users'), { body });
  }

  /** POST /v1/auth/token: the answer as it is. */
  signIn(phone: string, password: string): Promise<Answer<AccessToken>> {
    return call('POST', this.url('/v1/auth/token'), { body: { phone, password } }) as Promise<Answer<AccessToken>>;
  }

  /** Registers someone (with `phone`, or a new one), signs them in and links `vpas`; expects each step to succeed. */
  async person(name: string, vpas: string[] = [], phone = uniquePhone()): Promise<Person> {
    const password = newPassword();
    const registered = await this.register({ name, phone, password });
    if (registered.status !== 201)
      throw new Error(`POST /v1/users for ${name}: ${outcomeOf(registered)} ${JSON.stringify(registered.body)}`);
    const { id } = registered.body as { id: string };
    const token = await this.tokenOf(phone, password);
    const me = await call('GET', this.url('/v1/users/me'), { token });
    if (me.status !== 200) throw new Error(`GET /v1/users/me for ${name}: ${outcomeOf(me)}`);
    const person: Person = { id, name, phone, password, token, roles: (me.body as { roles: string[] }).roles, vpas: [] };
    for (const vpa of vpas) await this.link(person, vpa);
    return person;
  }

  /** A new access token for a phone and password (expects 200). */
  async tokenOf(phone: string, password: string): Promise<string> {
    const answer = await this.signIn(phone, password);
    if (answer.status !== 200) throw new Error(`POST /v1/auth/token: ${outcomeOf(answer)}`);
    return answer.body.accessToken;
  }

  /**
   * POST /v1/users/me/vpas (expects 201), then waits until the ledger has opened the VPA's account
   * (it learns of the link from the users service's events): until then a payment from or to it
   * would fail ACCOUNT_CLOSED.
   */
  async link(person: Person, vpa: string): Promise<void> {
    const answer = await call('POST', this.url('/v1/users/me/vpas'), { token: person.token, body: { vpa } });
    if (answer.status !== 201) throw new Error(`linking ${vpa} to ${person.name}: ${outcomeOf(answer)} ${JSON.stringify(answer.body)}`);
    person.vpas.push(vpa.toLowerCase());
    await this.account(person, vpa);
  }

  /** GET /v1/ledger/accounts/:vpa as its holder, once the ledger has the account open. */
  account(person: Person, vpa = person.vpas[0]): Promise<Account> {
    const url = `${this.system.urls.ledger}/v1/ledger/accounts/${encodeURIComponent(vpa)}`;
    return eventually(async () => {
      const answer = await call('GET', url, { token: person.token });
      if (answer.status !== 200 || (answer.body as Account).status !== 'OPEN')
        throw new Error(`the ledger has no open account ${vpa} yet: ${outcomeOf(answer)}`);
      return answer.body as Account;
    }, 30000);
  }

  /** The person, once each of their accounts has been credited with `amount` (payers are funded first, money.md). */
  async funded(person: Person | Promise<Person>, amount = '1000.00'): Promise<Person> {
    const someone = await person;
    for (const vpa of someone.vpas) await this.fund(someone, amount, vpa);
    return someone;
  }

  /**
   * The bank credits `amount` (rupees, a decimal string) to the person's account: an operator's
   * deposit (POST /v1/ledger/accounts/:vpa/deposits, expects 201) with a reference of its own.
   */
  async fund(person: Person, amount: string, vpa = person.vpas[0]): Promise<void> {
    const { token } = await this.operator();
    const url = `${this.system.urls.ledger}/v1/ledger/accounts/${encodeURIComponent(vpa)}/deposits`;
    const answer = await call('POST', url, { token, body: { amount, reference: `fund-${randomBytes(8).toString('hex')}` } });
    if (answer.status !== 201) throw new Error(`depositing ${amount} to ${vpa}: ${outcomeOf(answer)} ${JSON.stringify(answer.body)}`);
  }

  /** The system's operator (one per Identities), registered with the first operator phone on first use. */
  operator(): Promise<Person> {
    this.operatorPromise ??= this.newOperator('Olga Operator');
    return this.operatorPromise;
  }

  /** Another operator: the next phone of OPERATOR_PHONES (each system has a few). */
  async newOperator(name: string): Promise<Person> {
    const phone = OPERATOR_PHONES[this.nextOperator++];
    if (!phone) throw new Error(`only ${OPERATOR_PHONES.length} operator phones are configured`);
    const operator = await this.person(name, [], phone);
    if (!operator.roles.includes('operator'))
      throw new Error(`${phone} is in OPERATOR_PHONES but ${name} has roles ${operator.roles.join()}`);
    return operator;
  }

  /** The whole audit trail matching `query` (actor, from, to), newest first, read page by page by the operator. */
  async auditLog(query: Record<string, string> = {}): Promise<AuditRecord[]> {
    const { token } = await this.operator();
    const records: AuditRecord[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams({ ...query, limit: '200', ...(cursor ? { cursor } : {}) }).toString();
      const answer = await call('GET', this.url(`/v1/users/audit?${params}`), { token });
      if (answer.status !== 200) throw new Error(`GET /v1/users/audit?${params}: ${outcomeOf(answer)}`);
      const page = answer.body as { data: AuditRecord[]; nextCursor: string | null };
      records.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return records;
  }
}

/** Refusals that mean "payments has not learnt of a link yet" (access.md: the 422 may be retried). */
const isNotKnownYet = (answer: Answer) =>
  (answer.status === 422 && codeOf(answer) === 'PAYEE.UNKNOWN') || (answer.status === 403 && codeOf(answer) === 'VPA.NOT_OWNED');

/**
 * POST /v1/payments as `payer`, repeated while payments has not learnt yet of the links it needs
 * (the payer's VPA, the payee's): waits for the outcome, the first answer that is anything else,
 * which it returns. The payment is made at most once, by that answer.
 */
export async function payOnceKnown(system: RunningSystem, payer: Person, body: Record<string, unknown>, timeoutMs = 30000) {
  const url = `${system.urls.payments}/v1/payments`;
  let last: Answer | undefined;
  try {
    return await eventually(
      async () => {
        last = await call('POST', url, { token: payer.token, body: { currency: 'INR', ...body } });
        if (isNotKnownYet(last)) throw new Error(`payments does not know the VPAs yet: ${outcomeOf(last)}`);
        return last as Answer<Payment>;
      },
      timeoutMs,
      100,
    );
  } catch (error) {
    throw new Error(`POST /v1/payments ${JSON.stringify(body)} by ${payer.name}: still ${last ? outcomeOf(last) : 'unanswered'}`, {
      cause: error,
    });
  }
}
