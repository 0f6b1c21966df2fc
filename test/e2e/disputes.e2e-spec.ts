import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { getNotifications, getPayment, Notification, Payment } from './support/api';
import { Answer, call, codeOf } from './support/client';
import { Account, Identities, payOnceKnown, Person, uniqueVpa } from './support/identities';
import { expectMoneyConserved } from './support/ledger';
import { RunningSystem, startSystem } from './support/system';

/*
 * The acceptance scenarios of disputes.md, against every service as a separate process on the real
 * broker and database: refunds by the payee through the payments service and the ledger; disputes
 * through the disputes service, resolved by an operator into a refund. DISPUTE_REVIEW_SLA_S is a
 * few seconds so that an unreviewed dispute escalates within the test (scenario 5). After each test,
 * the ledger reconciles (scenario 6).
 */
let system: RunningSystem;
let people: Identities;
let operator: Person;

interface Refund {
  id: string;
  paymentId: string;
  amount: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  failureReason: string | null;
  disputeId: string | null;
}

interface Dispute {
  id: string;
  paymentId: string;
  status: string;
  amount: string;
  escalated: boolean;
  refund: { id: string; status: string; failureReason: string | null } | null;
  history?: Array<{ from: string | null; to: string; by: string; at: string }>;
  comments?: Array<{ text: string }>;
}

const payments = (path: string) => `${system.urls.payments}/v1/payments${path}`;
const disputes = (path = '') => `${system.urls.disputes}/v1/disputes${path}`;

async function person(name: string, amount?: string): Promise<Person> {
  const someone = await people.person(name, [uniqueVpa(name.toLowerCase())]);
  if (amount) await people.fund(someone, amount);
  return someone;
}

async function accountOf(someone: Person): Promise<Account> {
  const answer = await call('GET', `${system.urls.ledger}/v1/ledger/accounts/${someone.vpas[0]}`, { token: someone.token });
  expect(answer.status).toBe(200);
  return answer.body as Account;
}

/** Waits until nothing is held on the person's account any more, and answers it. */
const settled = (someone: Person) =>
  eventually(async () => {
    const account = await accountOf(someone);
    expect(account.held).toBe('0.00');
    return account;
  }, 30000);

/** A SUCCEEDED payment from payer to payee. */
async function paid(payer: Person, payee: Person, amount: string): Promise<Payment> {
  const answer = await payOnceKnown(system, payer, { payerVpa: payer.vpas[0], payeeVpa: payee.vpas[0], amount });
  expect(answer.status).toBe(202);
  const payment = await eventually(async () => {
    const { body } = await getPayment(payments(`/${answer.body.id}`), operator.token);
    expect(body.status).not.toBe('PENDING');
    return body;
  }, 60000);
  expect(payment).toMatchObject({ status: 'SUCCEEDED' });
  await settled(payer);
  return payment;
}

const refund = (payment: Payment, as: Person, body: unknown): Promise<Answer> =>
  call('POST', payments(`/${payment.id}/refunds`), { token: as.token, body });

async function finalRefund(payment: Payment, id: string, as = operator): Promise<Refund> {
  return eventually(async () => {
    const answer = await call('GET', payments(`/${payment.id}/refunds`), { token: as.token });
    expect(answer.status).toBe(200);
    const found = (answer.body as { data: Refund[] }).data.find((r) => r.id === id);
    expect(found?.status).not.toBe('PENDING');
    return found!;
  }, 30000);
}

/** A dispute the payer files once the disputes service knows the payment (it learns it from events). */
async function fileDispute(payment: Payment, payer: Person, body: Record<string, unknown> = {}): Promise<Answer> {
  return eventually(async () => {
    const answer = await call('POST', disputes(), {
      token: payer.token,
      body: { paymentId: payment.id, reason: 'NOT_RECEIVED', description: 'The order never arrived.', ...body },
    });
    expect(answer.status).not.toBe(404); // not known there yet
    return answer;
  }, 30000);
}

const readDispute = async (id: string, as: Person) => call('GET', disputes(`/${id}`), { token: as.token });

async function notificationsOf(someone: Person): Promise<Notification[]> {
  const answer = await getNotifications(`${system.urls.notifications}/v1/notifications?vpa=${someone.vpas[0]}&limit=100`, someone.token);
  expect(answer.status).toBe(200);
  return answer.body.data;
}

beforeAll(async () => {
  system = await startSystem(testEnv('e2e_disputes', { DISPUTE_REVIEW_SLA_S: '3', DISPUTE_SWEEP_INTERVAL_MS: '500' }));
  people = new Identities(system);
  operator = await people.operator();
});

afterEach(async () => {
  await expectMoneyConserved(system, operator); // scenario 6, after each of the others
});

afterAll(async () => {
  await system?.stop();
});

describe('1. bob refunds parts of alice’s payment', () => {
  it('25.50 of 125.50 succeeds and moves back; 100.01 is refused; 100.00 succeeds; then 0.01 is refused', async () => {
    const [alice, bob] = await Promise.all([person('Alice', '1000.00'), person('Bob')]);
    const payment = await paid(alice, bob, '125.50');
    const first = await refund(payment, bob, { amount: '25.50', reason: 'one item returned' });
    expect(first.status).toBe(202);
    expect(await finalRefund(payment, (first.body as Refund).id, bob)).toMatchObject({ status: 'SUCCEEDED', amount: '25.50' });
    expect(await settled(bob)).toMatchObject({ balance: '100.00' });
    expect(await settled(alice)).toMatchObject({ balance: '900.00' });
    expect((await getPayment(payments(`/${payment.id}`), alice.token)).body).toMatchObject({
      status: 'SUCCEEDED',
      refundedAmount: '25.50',
    });

    const tooMuch = await refund(payment, bob, { amount: '100.01', reason: 'too much' });
    expect([tooMuch.status, codeOf(tooMuch)]).toEqual([422, 'REFUND.EXCEEDS_PAYMENT']);
    const rest = await refund(payment, bob, { amount: '100.00', reason: 'the rest' });
    expect(rest.status).toBe(202);
    expect(await finalRefund(payment, (rest.body as Refund).id)).toMatchObject({ status: 'SUCCEEDED' });
    const paisa = await refund(payment, bob, { amount: '0.01', reason: 'a paisa' });
    expect([paisa.status, codeOf(paisa)]).toEqual([422, 'REFUND.EXCEEDS_PAYMENT']);
    expect(await settled(bob)).toMatchObject({ balance: '0.00' });
    expect(await settled(alice)).toMatchObject({ balance: '1000.00' });

    await eventually(async () => {
      expect((await notificationsOf(bob)).filter((n) => n.type === 'REFUND_SENT')).toHaveLength(2);
      expect((await notificationsOf(alice)).filter((n) => n.type === 'REFUND_RECEIVED')).toHaveLength(2);
    }, 30000);
    const steps = (await call('GET', payments(`/${payment.id}/timeline`), { token: alice.token })).body as {
      steps: Array<{ step: string }>;
    };
    expect(steps.steps.filter((s) => s.step === 'refund succeeded')).toHaveLength(2);
  });
});

describe('2. a refund bob cannot afford', () => {
  it('fails INSUFFICIENT_FUNDS and nothing moves', async () => {
    const [alice, bob] = await Promise.all([person('Alice', '1000.00'), person('Bob')]);
    const payment = await paid(alice, bob, '80.00');
    const withdrawal = await call('POST', `${system.urls.ledger}/v1/ledger/accounts/${bob.vpas[0]}/withdrawals`, {
      token: operator.token,
      body: { amount: '70.00', reference: `out-${payment.id}` },
    });
    expect(withdrawal.status).toBe(201);
    const answer = await refund(payment, bob, { amount: '20.00', reason: 'cannot pay it back' });
    expect(answer.status).toBe(202);
    expect(await finalRefund(payment, (answer.body as Refund).id)).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' });
    expect(await settled(bob)).toMatchObject({ balance: '10.00' });
    expect(await settled(alice)).toMatchObject({ balance: '920.00' });
    expect((await getPayment(payments(`/${payment.id}`), bob.token)).body).toMatchObject({ refundedAmount: '0.00' });
    await eventually(async () => expect((await notificationsOf(bob)).map((n) => n.type)).toContain('REFUND_FAILED'), 30000);
  });
});

describe('3. alice disputes a payment and an operator resolves it for her', () => {
  it('OPEN; bob sees it and comments; reviewed, resolved for the payer: a refund of the disputed amount succeeds; both told', async () => {
    const [alice, bob] = await Promise.all([person('Alice', '1000.00'), person('Bob')]);
    const payment = await paid(alice, bob, '60.00');
    const opened = await fileDispute(payment, alice, { amount: '40.00' });
    expect(opened.status).toBe(201);
    const dispute = opened.body as Dispute;
    expect(dispute).toMatchObject({ paymentId: payment.id, status: 'OPEN', amount: '40.00', refund: null });

    const seenByBob = await readDispute(dispute.id, bob);
    expect(seenByBob.status).toBe(200);
    expect(
      (await call('POST', disputes(`/${dispute.id}/comments`), { token: bob.token, body: { text: 'It was delivered on Monday.' } })).status,
    ).toBe(201);
    expect((await call('POST', disputes(`/${dispute.id}/review`), { token: operator.token })).status).toBe(200);
    const resolved = await call('POST', disputes(`/${dispute.id}/resolve`), {
      token: operator.token,
      body: { outcome: 'PAYER', note: 'No proof of delivery.' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'RESOLVED_FOR_PAYER' });

    const shown = await eventually(async () => {
      const body = (await readDispute(dispute.id, alice)).body as Dispute;
      expect(body.refund?.status).toBe('SUCCEEDED');
      return body;
    }, 30000);
    expect(shown.history!.map((h) => [h.from, h.to])).toEqual([
      [null, 'OPEN'],
      ['OPEN', 'UNDER_REVIEW'],
      ['UNDER_REVIEW', 'RESOLVED_FOR_PAYER'],
    ]);
    expect(shown.comments!.map((c) => c.text)).toEqual(['It was delivered on Monday.']);
    const refunds = (await call('GET', payments(`/${payment.id}/refunds`), { token: alice.token })).body as { data: Refund[] };
    expect(refunds.data).toEqual([
      expect.objectContaining({ id: shown.refund!.id, amount: '40.00', status: 'SUCCEEDED', disputeId: dispute.id }),
    ]);
    expect(await settled(alice)).toMatchObject({ balance: '980.00' });
    expect(await settled(bob)).toMatchObject({ balance: '20.00' });

    await eventually(async () => {
      expect((await notificationsOf(bob)).map((n) => n.type)).toEqual(
        expect.arrayContaining(['DISPUTE_OPENED', 'DISPUTE_RESOLVED', 'REFUND_SENT']),
      );
      expect((await notificationsOf(alice)).map((n) => n.type)).toEqual(
        expect.arrayContaining(['DISPUTE_COMMENTED', 'DISPUTE_RESOLVED', 'REFUND_RECEIVED']),
      );
    }, 30000);
  });
});

describe('4. what a dispute refuses', () => {
  it('a second dispute while one is open: 409; resolving a WITHDRAWN one: 409; carol reading it: 404', async () => {
    const [alice, bob, carol] = await Promise.all([person('Alice', '1000.00'), person('Bob'), person('Carol')]);
    const payment = await paid(alice, bob, '30.00');
    const first = await fileDispute(payment, alice);
    expect(first.status).toBe(201);
    const second = await fileDispute(payment, alice, { reason: 'DUPLICATE' });
    expect([second.status, codeOf(second)]).toEqual([409, 'DISPUTE.ALREADY_OPEN']);
    const id = (first.body as Dispute).id;
    expect((await readDispute(id, carol)).status).toBe(404);
    expect((await call('POST', disputes(`/${id}/withdraw`), { token: alice.token })).status).toBe(200);
    const resolve = await call('POST', disputes(`/${id}/resolve`), { token: operator.token, body: { outcome: 'PAYER', note: 'too late' } });
    expect([resolve.status, codeOf(resolve)]).toEqual([409, 'DISPUTE.INVALID_TRANSITION']);
    expect((await readDispute(id, alice)).body).toMatchObject({ status: 'WITHDRAWN', refund: null });
  });
});

describe('5. a dispute nobody reviews', () => {
  it('becomes escalated after DISPUTE_REVIEW_SLA_S, and operators are told', async () => {
    const [alice, bob] = await Promise.all([person('Alice', '1000.00'), person('Bob')]);
    const payment = await paid(alice, bob, '15.00');
    const opened = await fileDispute(payment, alice);
    expect(opened.body).toMatchObject({ status: 'OPEN', escalated: false });
    const id = (opened.body as Dispute).id;
    await eventually(async () => expect((await readDispute(id, operator)).body).toMatchObject({ status: 'OPEN', escalated: true }), 30000);
    await eventually(async () => {
      const answer = await getNotifications(`${system.urls.notifications}/v1/notifications?limit=100`, operator.token);
      expect(answer.body.data.filter((n) => n.paymentId === payment.id).map((n) => n.type)).toContain('DISPUTE_ESCALATED');
    }, 30000);
  });
});
