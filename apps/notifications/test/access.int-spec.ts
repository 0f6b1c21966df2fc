import { randomUUID } from 'node:crypto';
import { createEvent, PayloadOf, Topics } from '@app/contracts';
import { testEnv } from '../../../test/support/env';
import { eventually } from '../../../test/support/eventually';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { refusal, RefusedCredential, refusedCredentials } from '../../../test/support/refused-tokens';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { NotificationsModule } from '../src/notifications.module';

/*
 * Who sees which notifications (shared/spec/access.md, as for `GET /v1/payments?vpa=`): a user
 * theirs, an operator every one. A notification is the user's who held its VPA when the payment was
 * made, as the payment event says (payerUserId / payeeUserId); one the event names nobody for is
 * seen by operators only.
 */
const env = testEnv('notifications_access');
const kafka = new TestKafka(env);
let service: RunningService;
let operator: TestUser;
let credentials: RefusedCredential[];

interface Listed {
  paymentId: string;
  recipientVpa: string;
  type: string;
}

async function list(caller: TestUser, query = '') {
  const response = await fetch(`${service.url}/v1/notifications${query ? `?${query}` : ''}`, { headers: caller.headers });
  const body = (await response.json()) as { data: Listed[]; nextCursor: string | null; code?: string };
  return { status: response.status, body };
}

/** What a caller sees, in an order that does not depend on creation times (one chunk shares one). */
async function seenBy(caller: TestUser, query = '') {
  const { status, body } = await list(caller, query);
  expect({ query, status }).toEqual({ query, status: 200 });
  return body.data.map(({ paymentId, recipientVpa, type }) => `${paymentId} ${type} ${recipientVpa}`).sort();
}

const seen = (...notifications: Array<[string, string, string]>) => notifications.map((n) => n.join(' ')).sort();

async function expectNotFound(caller: TestUser, vpa: string) {
  const { status, body } = await list(caller, `vpa=${vpa}`);
  expect({ vpa, status, code: body.code }).toEqual({ vpa, status: 404, code: 'VPA.NOT_FOUND' });
}

const payment = (payerVpa: string, payeeVpa: string, payer: TestUser | null, payee: TestUser | null) => ({
  payerVpa,
  payeeVpa,
  amountPaise: 12550,
  currency: 'INR' as const,
  items: [],
  createdAt: new Date().toISOString(),
  payerUserId: payer?.userId ?? null,
  payeeUserId: payee?.userId ?? null,
  completedAt: new Date().toISOString(),
});

const succeeded = async (payload: PayloadOf<'PaymentSucceeded'>) =>
  (await kafka.publish('PaymentSucceeded', randomUUID(), payload)).paymentId;
const failed = async (payload: PayloadOf<'PaymentSucceeded'>) =>
  (await kafka.publish('PaymentFailed', randomUUID(), { ...payload, failureReason: 'OUT_OF_STOCK' })).paymentId;

/** A PaymentSucceeded of version 1, as payments wrote it before identities existed: no user ids at all. */
async function succeededV1(payerVpa: string, payeeVpa: string): Promise<string> {
  const { payerUserId, payeeUserId, ...v1 } = payment(payerVpa, payeeVpa, null, null);
  const event = {
    ...createEvent('PaymentSucceeded', randomUUID(), { ...v1, payerUserId, payeeUserId }, 'payments'),
    schemaVersion: 1,
    payload: v1,
  };
  await kafka.send(Topics.PaymentEvents, [{ key: event.paymentId, value: JSON.stringify(event) }]);
  return event.paymentId;
}

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Notifications', description: '', module: NotificationsModule.forRoot(config) });
  [operator, credentials] = await Promise.all([newOperator(), refusedCredentials()]);
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('who sees which notifications', () => {
  it('refuses every bad credential with 401, WWW-Authenticate: Bearer and a stable code, with or without a vpa', async () => {
    for (const query of ['', '?vpa=alice@okbank']) {
      for (const credential of credentials) {
        const response = await fetch(`${service.url}/v1/notifications${query}`, { headers: credential.headers });
        expect({ query, credential: credential.name, ...(await refusal(response)) }).toEqual({
          query,
          credential: credential.name,
          status: 401,
          code: credential.code,
          challenge: expect.stringMatching(/^Bearer /),
        });
      }
    }
  });

  describe('alice pays bob; payments that name no user', () => {
    let alice: TestUser;
    let bob: TestUser;
    let paid: string;
    let failedPayment: string;
    let legacy: string;
    let toUnlinked: string;

    beforeAll(async () => {
      [alice, bob] = await Promise.all([newUser(), newUser()]);
      paid = await succeeded(payment('alice@okbank', 'bob@okbank', alice, bob));
      failedPayment = await failed(payment('alice@okbank', 'bob@okbank', alice, bob));
      legacy = await succeededV1('carol@okbank', 'dan@okbank'); // v1: no user ids
      toUnlinked = await succeeded(payment('erin@okbank', 'alice@okbank', null, null)); // alice@okbank held by no one then
      await eventually(async () =>
        expect(await seenBy(operator)).toEqual(
          expect.arrayContaining(
            seen(
              [paid, 'PAYMENT_SENT', 'alice@okbank'],
              [paid, 'PAYMENT_RECEIVED', 'bob@okbank'],
              [failedPayment, 'PAYMENT_FAILED', 'alice@okbank'],
              [legacy, 'PAYMENT_SENT', 'carol@okbank'],
              [legacy, 'PAYMENT_RECEIVED', 'dan@okbank'],
              [toUnlinked, 'PAYMENT_SENT', 'erin@okbank'],
              [toUnlinked, 'PAYMENT_RECEIVED', 'alice@okbank'],
            ),
          ),
        ),
      );
    });

    it('shows a user only their own notifications, with or without their vpa', async () => {
      const alices = seen([paid, 'PAYMENT_SENT', 'alice@okbank'], [failedPayment, 'PAYMENT_FAILED', 'alice@okbank']);
      expect(await seenBy(alice)).toEqual(alices);
      expect(await seenBy(alice, 'vpa=alice@okbank')).toEqual(alices);
      expect(await seenBy(alice, 'vpa=ALICE@okbank')).toEqual(alices);
      expect(await seenBy(bob)).toEqual(seen([paid, 'PAYMENT_RECEIVED', 'bob@okbank']));
      expect(await seenBy(bob, 'vpa=bob@okbank')).toEqual(seen([paid, 'PAYMENT_RECEIVED', 'bob@okbank']));
    });

    it("answers 404 VPA.NOT_FOUND for a vpa that is not the user's, exactly as for one nobody has", async () => {
      await expectNotFound(bob, 'alice@okbank');
      await expectNotFound(alice, 'bob@okbank');
      await expectNotFound(alice, 'carol@okbank');
      await expectNotFound(alice, 'nobody@okbank');
    });

    it('shows an operator every notification, to any vpa, those that name no user included', async () => {
      expect(await seenBy(operator, 'vpa=alice@okbank')).toEqual(
        seen(
          [paid, 'PAYMENT_SENT', 'alice@okbank'],
          [failedPayment, 'PAYMENT_FAILED', 'alice@okbank'],
          [toUnlinked, 'PAYMENT_RECEIVED', 'alice@okbank'],
        ),
      );
      expect(await seenBy(operator, 'vpa=carol@okbank')).toEqual(seen([legacy, 'PAYMENT_SENT', 'carol@okbank']));
      expect(await seenBy(operator, 'vpa=nobody@okbank')).toEqual([]);
    });

    it('shows notifications whose event names no user (v1, or a vpa held by no one) to operators only', async () => {
      const stranger = await newUser();
      for (const user of [alice, bob, stranger]) {
        const all = (await seenBy(user)).join('\n');
        expect(all).not.toContain(legacy);
        expect(all).not.toContain(toUnlinked);
      }
      await expectNotFound(stranger, 'carol@okbank');
      await expectNotFound(stranger, 'erin@okbank');
    });

    it('keeps a notification the user’s who held its vpa at the time of the payment', async () => {
      const holder = await newUser(); // alice@okbank has since become someone else's
      const later = await succeeded(payment('alice@okbank', 'frank@okbank', holder, null));
      await eventually(async () => expect(await seenBy(holder, 'vpa=alice@okbank')).toEqual(seen([later, 'PAYMENT_SENT', 'alice@okbank'])));
      expect(await seenBy(alice, 'vpa=alice@okbank')).toEqual(
        seen([paid, 'PAYMENT_SENT', 'alice@okbank'], [failedPayment, 'PAYMENT_FAILED', 'alice@okbank']),
      );
    });
  });

  it('answers 404 to a user for a vpa of theirs that has had no notification yet (the service cannot tell it is theirs)', async () => {
    const newcomer = await newUser();
    await expectNotFound(newcomer, 'newcomer@okbank');
    expect(await seenBy(newcomer)).toEqual([]);
    expect(await seenBy(operator, 'vpa=newcomer@okbank')).toEqual([]);
  });

  it('pages through a user’s own notifications, each exactly once, skipping those that are not theirs', async () => {
    const gina = await newUser();
    // three to gina@okbank before it was gina's: the operator sees them, gina does not
    await Promise.all([1, 2, 3].map(() => failed(payment('gina@okbank', 'hal@okbank', null, null))));
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push(await failed(payment('gina@okbank', 'hal@okbank', gina, null)));
    await eventually(async () => expect(await seenBy(operator, 'vpa=gina@okbank&limit=100')).toHaveLength(8));

    for (const query of ['vpa=gina@okbank&limit=2', 'limit=2']) {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const { status, body }: Awaited<ReturnType<typeof list>> = await list(gina, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(status).toBe(200);
        pages.push(body.data.map((n) => n.paymentId));
        cursor = body.nextCursor;
      } while (cursor);
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat().sort()).toEqual([...mine].sort());
    }
  });
});
