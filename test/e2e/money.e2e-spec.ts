import { randomUUID } from 'node:crypto';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { getPayment, Page, Payment } from './support/api';
import { call } from './support/client';
import { Account, Identities, payOnceKnown, Person, uniqueVpa } from './support/identities';
import { expectMoneyConserved, reconciliation } from './support/ledger';
import { RunningSystem, startSystem } from './support/system';

/*
 * The acceptance scenarios of money.md, against the seven services as separate processes on the
 * real broker and database: every payer is funded first by an operator's deposit; the ledger holds
 * a payment's amount while it is pending, posts it when it succeeds and releases it when it fails.
 * FRAUD_VELOCITY_LIMIT is raised above 50 so that only money decides the concurrency scenarios;
 * LEDGER_DAILY_LIMIT is 2000.00 so that a few payments reach it.
 */
let system: RunningSystem;
let people: Identities;
let operator: Person;
let env: NodeJS.ProcessEnv;

/** A statement line (GET /v1/ledger/accounts/:vpa/entries). */
interface Entry {
  id: string;
  kind: string;
  amount: string;
  balanceAfter: string;
  paymentId: string | null;
  reference: string | null;
  at: string;
}

const ledger = (path: string) => `${system.urls.ledger}/v1/ledger${path}`;
const accountPath = (vpa: string) => `/accounts/${encodeURIComponent(vpa)}`;

/** Someone with a VPA of their own, funded with `amount` when given. */
async function person(name: string, amount?: string): Promise<Person> {
  const someone = await people.person(name, [uniqueVpa(name.toLowerCase())]);
  if (amount) await people.fund(someone, amount);
  return someone;
}

async function accountOf(someone: Person): Promise<Account> {
  const answer = await call('GET', ledger(accountPath(someone.vpas[0])), { token: someone.token });
  expect(answer.status).toBe(200);
  return answer.body as Account;
}

async function statementOf(someone: Person): Promise<Entry[]> {
  const answer = await call('GET', ledger(`${accountPath(someone.vpas[0])}/entries?limit=100`), { token: someone.token });
  expect(answer.status).toBe(200);
  return (answer.body as Page<Entry>).data;
}

async function pay(payer: Person, payee: Person, amount: string, extra: Record<string, unknown> = {}): Promise<string> {
  const answer = await payOnceKnown(system, payer, { payerVpa: payer.vpas[0], payeeVpa: payee.vpas[0], amount, ...extra });
  expect(answer.status).toBe(202);
  return answer.body.id;
}

async function finalPayment(id: string): Promise<Payment> {
  return eventually(async () => {
    const { status, body } = await getPayment(`${system.urls.payments}/v1/payments/${id}`, operator.token);
    expect(status).toBe(200);
    expect(body.status).not.toBe('PENDING');
    return body;
  }, 60000);
}

/** Waits until the ledger has settled what it held for the person (posted or released): nothing held. */
const settled = (someone: Person) =>
  eventually(async () => {
    const account = await accountOf(someone);
    expect(account.held).toBe('0.00');
    return account;
  }, 30000);

beforeAll(async () => {
  env = testEnv('e2e_money', {
    FRAUD_BLOCKED_VPAS: 'mallory@okbank',
    FRAUD_VELOCITY_LIMIT: '1000',
    LEDGER_DAILY_LIMIT: '2000.00',
  });
  system = await startSystem(env);
  people = new Identities(system);
  operator = await people.operator();
});

afterEach(async () => {
  await expectMoneyConserved(system, operator);
});

afterAll(async () => {
  await system?.stop();
});

describe('1. a funded payer pays', () => {
  it('alice (1000.00) pays bob 125.50: SUCCEEDED; alice 874.50, bob 125.50; one statement line each, with the payment id', async () => {
    const [alice, bob] = await Promise.all([person('Alice', '1000.00'), person('Bob')]);
    const id = await pay(alice, bob, '125.50');
    expect(await finalPayment(id)).toMatchObject({ status: 'SUCCEEDED' });

    expect(await settled(alice)).toMatchObject({ balance: '874.50', held: '0.00', available: '874.50', status: 'OPEN' });
    expect(await settled(bob)).toMatchObject({ balance: '125.50', held: '0.00', available: '125.50' });
    const alices = await statementOf(alice);
    expect(alices.filter((e) => e.paymentId === id)).toEqual([
      expect.objectContaining({ kind: 'PAYMENT_DEBIT', amount: '125.50', balanceAfter: '874.50' }),
    ]);
    expect(alices.map((e) => e.kind)).toEqual(['PAYMENT_DEBIT', 'DEPOSIT']); // newest first
    expect(await statementOf(bob)).toEqual([
      expect.objectContaining({ kind: 'PAYMENT_CREDIT', amount: '125.50', balanceAfter: '125.50', paymentId: id }),
    ]);
  });
});

describe('2. more than the balance', () => {
  it('alice pays bob 5000.00: FAILED INSUFFICIENT_FUNDS; nothing held, balances unchanged', async () => {
    const [alice, bob] = await Promise.all([person('Alice', '1000.00'), person('Bob')]);
    const id = await pay(alice, bob, '5000.00');
    expect(await finalPayment(id)).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' });
    expect(await accountOf(alice)).toMatchObject({ balance: '1000.00', held: '0.00', available: '1000.00' });
    expect(await accountOf(bob)).toMatchObject({ balance: '0.00', held: '0.00' });
    expect((await statementOf(alice)).map((e) => e.kind)).toEqual(['DEPOSIT']);
  });
});

describe('3. a blocklisted payer', () => {
  it('mallory (funded) pays bob: FAILED FRAUD_REJECTED; her hold, if placed, released; balances unchanged', async () => {
    const mallory = await people.person('Mallory', ['mallory@okbank']);
    await people.fund(mallory, '1000.00');
    const bob = await person('Bob');
    const id = await pay(mallory, bob, '10.00');
    expect(await finalPayment(id)).toMatchObject({ status: 'FAILED', failureReason: 'FRAUD_REJECTED' });
    expect(await settled(mallory)).toMatchObject({ balance: '1000.00', available: '1000.00' });
    expect(await accountOf(bob)).toMatchObject({ balance: '0.00' });
  });
});

describe('4. out of stock', () => {
  it('a payment whose items are out of stock: FAILED OUT_OF_STOCK, the payer’s hold released', async () => {
    const sku = `MONEY-${randomUUID().slice(0, 8)}`;
    const put = await call('PUT', `${system.urls.inventory}/v1/inventory/products/${sku}`, {
      token: operator.token,
      body: { name: 'Scarce', stock: 1 },
    });
    expect(put.status).toBe(201);
    const [carol, shop] = await Promise.all([person('Carol', '500.00'), person('Shop')]);
    const id = await pay(carol, shop, '50.00', { items: [{ sku, quantity: 2 }] });
    expect(await finalPayment(id)).toMatchObject({ status: 'FAILED', failureReason: 'OUT_OF_STOCK' });
    expect(await settled(carol)).toMatchObject({ balance: '500.00', available: '500.00', spentToday: '0.00' });
  });
});

describe('5. the daily limit (2000.00 here)', () => {
  it('the payment that would pass it fails DAILY_LIMIT_EXCEEDED; one that reaches it exactly succeeds', async () => {
    const [dan, erin] = await Promise.all([person('Dan', '5000.00'), person('Erin')]);
    expect(await finalPayment(await pay(dan, erin, '1500.00'))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await finalPayment(await pay(dan, erin, '600.00'))).toMatchObject({ status: 'FAILED', failureReason: 'DAILY_LIMIT_EXCEEDED' });
    expect(await finalPayment(await pay(dan, erin, '500.00'))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await settled(dan)).toMatchObject({ balance: '3000.00', dailyLimit: '2000.00', spentToday: '2000.00' });
    expect(await finalPayment(await pay(dan, erin, '1.00'))).toMatchObject({ status: 'FAILED', failureReason: 'DAILY_LIMIT_EXCEEDED' });
  });
});

describe('6. deposits are idempotent by reference', () => {
  it('the same reference again moves money once (200 with the first entry); with another amount, 422', async () => {
    const frank = await person('Frank');
    const url = ledger(`${accountPath(frank.vpas[0])}/deposits`);
    const reference = `salary-${randomUUID()}`;
    const first = await call('POST', url, { token: operator.token, body: { amount: '250.00', reference } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'DEPOSIT', amount: '250.00', balanceAfter: '250.00', reference });
    const again = await call('POST', url, { token: operator.token, body: { amount: '250.00', reference } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await call('POST', url, { token: operator.token, body: { amount: '300.00', reference } });
    expect(other.status).toBe(422);
    expect(await accountOf(frank)).toMatchObject({ balance: '250.00' });
    expect(await statementOf(frank)).toHaveLength(1);
  });
});

describe('exact under concurrency (invariant 5)', () => {
  /** 50 payments of 10.00 at once from an account with 100.00: exactly 10 succeed, 40 fail INSUFFICIENT_FUNDS. */
  async function fiftyAgainstTen(): Promise<void> {
    const [payer, payee] = await Promise.all([person('Gita', '100.00'), person('Hari')]);
    const ids = await Promise.all(Array.from({ length: 50 }, () => pay(payer, payee, '10.00')));
    const finals = await Promise.all(ids.map(finalPayment));
    expect(finals.filter((p) => p.status === 'SUCCEEDED')).toHaveLength(10);
    expect(finals.filter((p) => p.failureReason === 'INSUFFICIENT_FUNDS')).toHaveLength(40);
    expect(await settled(payer)).toMatchObject({ balance: '0.00', available: '0.00' });
    expect(await settled(payee)).toMatchObject({ balance: '100.00' });
    const debits = (await statementOf(payer)).filter((e) => e.kind === 'PAYMENT_DEBIT');
    expect(debits.map((e) => e.paymentId).sort()).toEqual(
      finals
        .filter((p) => p.status === 'SUCCEEDED')
        .map((p) => p.id)
        .sort(),
    );
  }

  it('one ledger instance: 50 simultaneous payments of 10.00 against 100.00 → exactly 10 SUCCEEDED', async () => {
    await fiftyAgainstTen();
  });

  it('two ledger instances in one consumer group: the same', async () => {
    const second = await system.addInstance('ledger');
    expect((await reconciliation(system, operator, second)).conserved).toBe(true);
    await untilBothConsume(`${env.KAFKA_TOPIC_PREFIX}payments.payment-events`);
    await fiftyAgainstTen();
  });
});

/** Waits until the ledger's consumer group has two members, each assigned partitions of `topic`. */
async function untilBothConsume(topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'e2e-money', brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await eventually(async () => {
      const [group] = (await admin.describeGroups([`${env.KAFKA_TOPIC_PREFIX}ledger`])).groups;
      expect(group.state).toBe('Stable');
      const partitions = group.members.map(
        (member) => AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment[topic]?.length ?? 0,
      );
      expect(partitions).toHaveLength(2);
      expect(partitions.every((n) => n > 0)).toBe(true);
    }, 60000);
  } finally {
    await admin.disconnect();
  }
}
