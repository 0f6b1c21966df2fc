import { DataSource } from 'typeorm';
import { testEnv } from '../../../test/support/env';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { PaymentsModule } from '../src/payments.module';
import { PaymentsApi, userHolding } from './support/payments-api';

/*
 * At most RATE_LIMIT_PAYMENTS_PER_MIN payment initiations a minute per user, counted in Redis and
 * shared by the instances: here 3, with two instances.
 */
const env = testEnv('payments-rate', { RATE_LIMIT_PAYMENTS_PER_MIN: '3', PAYMENT_TIMEOUT_S: '3600' });
const kafka = new TestKafka(env);
let first: RunningService;
let second: RunningService;
let api: PaymentsApi;
let other: PaymentsApi;

const bodyOf = (payerVpa: string, amount: string) => ({ payerVpa, payeeVpa: 'shop@okbank', amount, currency: 'INR' });

async function paymentsFrom(...vpas: string[]): Promise<number> {
  const [{ n }] = await first.app
    .get(DataSource)
    .query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM payments WHERE payer_vpa = ANY($1::text[])', [vpas]);
  return n;
}

beforeAll(async () => {
  const config = loadConfig(env);
  expect(config.intake.paymentsPerUserPerMin).toBe(3);
  first = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  second = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  api = new PaymentsApi(first, kafka);
  other = new PaymentsApi(second, kafka, api.holders);
  await api.holders.of('shop@okbank');
});

afterAll(async () => {
  await second?.close();
  await first?.close();
  await kafka.close();
});

describe('the per-user payment rate', () => {
  it('refuses a user’s initiations beyond the limit with 429 and Retry-After, whichever instance and VPA, and creates nothing', async () => {
    const user = await userHolding(kafka, first, ['quota1@okbank', 'quota2@okbank']);
    await api.initiate(bodyOf('quota1@okbank', '1.00'), {}, user);
    await other.initiate(bodyOf('quota2@okbank', '2.00'), {}, user);
    await api.initiate(bodyOf('quota1@okbank', '3.00'), {}, user);

    for (const instance of [api, other]) {
      const refused = await instance.post(bodyOf('quota2@okbank', '4.00'), {}, user);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ statusCode: 429, code: 'PAYMENT.RATE_LIMITED' });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    expect(await paymentsFrom('quota1@okbank', 'quota2@okbank')).toBe(3);
  });

  it('counts each user apart', async () => {
    const [busy, calm] = await Promise.all([userHolding(kafka, first, ['busy@okbank']), userHolding(kafka, first, ['calm@okbank'])]);
    const answers = await Promise.all(
      ['1.00', '2.00', '3.00', '4.00', '5.00'].map((amount) => api.post(bodyOf('busy@okbank', amount), {}, busy)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([202, 202, 202, 429, 429]);
    expect(await paymentsFrom('busy@okbank')).toBe(3);
    expect((await other.post(bodyOf('calm@okbank', '1.00'), {}, calm)).status).toBe(202);
  });
});
