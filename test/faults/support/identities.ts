import { randomInt } from 'node:crypto';
import { retrying } from '@app/platform';

/** The password of every user the suite registers (12–128 characters, as the contract asks). */
const PASSWORD = 'fault-suite-password';
/** A user holds at most five VPAs. */
export const VPAS_PER_USER = 5;

/** A registered user, signed in, with the VPAs linked to them. */
export interface Party {
  userId: string;
  phone: string;
  token: string;
  vpas: string[];
}

/** One VPA to pay from, and the token of the user who holds it. */
export interface Payer {
  vpa: string;
  token: string;
}

/**
 * The payers of one stream: VPAs registered beforehand, each given to one payment only (so fraud's
 * velocity rule never fires), five to a user.
 */
export class PayerPool {
  private taken = 0;

  constructor(readonly parties: Party[]) {}

  get size(): number {
    return this.parties.length * VPAS_PER_USER;
  }

  /** The next unused payer, or undefined once all are used. */
  take(): Payer | undefined {
    const party = this.parties[Math.floor(this.taken / VPAS_PER_USER)];
    const vpa = party?.vpas[this.taken % VPAS_PER_USER];
    if (!party || !vpa) return undefined;
    this.taken += 1;
    return { vpa, token: party.token };
  }
}

interface Answer {
  status: number;
  body: unknown;
  /** Attempts it took: more than one means an earlier attempt's answer was lost (network, 5xx). */
  attempts: number;
}

/**
 * The people of one fault system, made through the users service as a client would: sign up, sign
 * in, link VPAs. Every request is retried on a network error or a 5xx (the users service may be the
 * one being killed), and an answer that can follow a lost one is understood: a 409 for a sign-up or
 * a link that an earlier attempt had made (each phone and VPA here is this registry's alone).
 */
export class Identities {
  /** Phones start with 9 and count up from a random point; the operator's starts with 6. */
  private next = randomInt(0, 500_000_000);
  private operatorToken?: Promise<string>;
  /** The payees' users, by the VPA each holds. */
  private payees?: Promise<Map<string, Party>>;
  /** Requests that had to be sent more than once. */
  retried = 0;

  constructor(
    private readonly usersUrl: () => string,
    readonly operatorPhone: string,
  ) {}

  /** The token of the system's operator (its phone is in OPERATOR_PHONES), registered the first time. */
  operator(): Promise<string> {
    this.operatorToken ??= this.register('Fault Operator', [], this.operatorPhone).then((p) => p.token);
    return this.operatorToken;
  }

  /** The payees every stream pays (the merchant, and the payee fraud blocks), linked the first time. */
  async ensurePayees(vpas: string[]): Promise<void> {
    this.payees ??= Promise.all(
      vpas.map(async (vpa, i): Promise<[string, Party]> => [vpa, await this.register(`Fault Payee ${i}`, [vpa])]),
    ).then((parties) => new Map(parties));
    await this.payees;
  }

  /** The user holding a payee's VPA, signed in (e.g. to refund as the payee): linked by `ensurePayees`. */
  async payee(vpa: string): Promise<Party> {
    const party = (await this.payees)?.get(vpa);
    if (!party) throw new Error(`${vpa} is not a payee linked by ensurePayees`);
    return party;
  }

  /** Registers enough users for `count` payers, `concurrency` sign-ups at a time. */
  async payers(tag: string, count: number, concurrency = 4): Promise<PayerPool> {
    const users = Math.ceil(count / VPAS_PER_USER);
    const parties: Party[] = new Array<Party>(users);
    let next = 0;
    const worker = async () => {
      for (let u = next++; u < users; u = next++) {
        const vpas = Array.from({ length: VPAS_PER_USER }, (_, k) => `f-${tag}-${u}-${k}@okbank`.toLowerCase());
        parties[u] = await this.register(`Fault Payer ${tag} ${u}`, vpas);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, users) }, worker));
    return new PayerPool(parties);
  }

  /** Signs a user up, signs them in and links their VPAs; checks that they hold exactly those. */
  async register(name: string, vpas: string[], phone = this.nextPhone()): Promise<Party> {
    const signUp = await this.call('POST', '/v1/users', { name: name.slice(0, 100), phone, password: PASSWORD });
    if (!(signUp.status === 201 || (signUp.status === 409 && signUp.attempts > 1))) throw unexpected('sign-up', signUp);
    const signIn = await this.call('POST', '/v1/auth/token', { phone, password: PASSWORD });
    const token = (signIn.body as { accessToken?: unknown } | undefined)?.accessToken;
    if (signIn.status !== 200 || typeof token !== 'string') throw unexpected('sign-in', signIn);
    for (const vpa of vpas) {
      const link = await this.call('POST', '/v1/users/me/vpas', { vpa }, token);
      if (!(link.status === 201 || (link.status === 409 && link.attempts > 1))) throw unexpected(`linking ${vpa}`, link);
    }
    const me = await this.call('GET', '/v1/users/me', undefined, token);
    const held = (me.body as { id?: string; vpas?: Array<{ vpa: string }> } | undefined) ?? {};
    const linked = (held.vpas ?? []).map((v) => v.vpa).sort();
    if (me.status !== 200 || typeof held.id !== 'string' || JSON.stringify(linked) !== JSON.stringify([...vpas].sort())) {
      throw unexpected(`${name} holding ${vpas.join(', ')}`, me);
    }
    return { userId: held.id, phone, token, vpas };
  }

  private nextPhone(): string {
    return `+919${String(this.next++ % 1_000_000_000).padStart(9, '0')}`;
  }

  /** One request, retried with backoff on a network error or a 5xx for up to `retryForMs`. */
  private async call(method: string, path: string, body?: unknown, token?: string, retryForMs = 120_000): Promise<Answer> {
    const deadline = Date.now() + retryForMs;
    let attempts = 0;
    return retrying(
      async () => {
        attempts += 1;
        if (attempts === 2) this.retried += 1;
        const response = await fetch(`${this.usersUrl()}${path}`, {
          method,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        if (response.status >= 500) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`);
        return { status: response.status, body: parse(text), attempts };
      },
      { initialDelayMs: 200, maxDelayMs: 2000, jitter: true, retryIf: () => Date.now() <= deadline },
    );
  }
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function unexpected(what: string, answer: Answer): Error {
  return new Error(`${what}: answered ${answer.status} after ${answer.attempts} attempt(s): ${JSON.stringify(answer.body).slice(0, 300)}`);
}
