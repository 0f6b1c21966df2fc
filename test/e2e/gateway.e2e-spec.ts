import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { getPayment, Page, Payment } from './support/api';
import { Answer, call, outcomeOf } from './support/client';
import { Identities, payOnceKnown, Person, uniqueVpa } from './support/identities';
import { expectMoneyConserved } from './support/ledger';
import { ALL_SERVICES, AnyService, RunningSystem, startSystem } from './support/system';
import { fetchTrace, startTestZipkin } from './support/zipkin';

/*
 * The system as a client sees it: one address, the gateway's. Every request here goes through it
 * (the identities too: every service's URL is the gateway's), and every trace starts there.
 */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  kind?: string;
  name: string;
  localEndpoint: { serviceName: string };
}

let zipkin: Awaited<ReturnType<typeof startTestZipkin>>;
let system: RunningSystem;
/** The system with the gateway's address for every service. */
let viaGateway: RunningSystem;
let people: Identities;
let operator: Person;

beforeAll(async () => {
  zipkin = await startTestZipkin();
  system = await startSystem(
    testEnv('e2e_gateway', {
      FRAUD_VELOCITY_LIMIT: '100000',
      OTEL_TRACES_EXPORTER: '', // the default exporter (Zipkin), pointed at this test's Zipkin
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      // the gateway says when it takes an instance into rotation (info)
      LOG_LEVEL: 'info',
    }),
  );
  const gateway = system.urls.gateway;
  viaGateway = {
    ...system,
    urls: { ...(Object.fromEntries(ALL_SERVICES.map((service) => [service, gateway])) as Record<AnyService, string>), gateway },
  };
  people = new Identities(viaGateway);
  operator = await people.operator();
});

afterAll(async () => {
  await system?.stop();
  await zipkin?.stop();
});

const payments = (path = '') => `${system.urls.gateway}/v1/payments${path}`;

async function finalPayment(id: string): Promise<Payment> {
  return eventually(
    async () => {
      const { status, body } = await getPayment(payments(`/${id}`), operator.token);
      expect(status).toBe(200);
      expect(body.status).not.toBe('PENDING');
      return body;
    },
    120000,
    250,
  );
}

describe('a payment through the gateway', () => {
  it('is made, from registration to settlement, with the gateway’s address alone; its trace starts at the gateway', async () => {
    const [payer, payee] = await Promise.all([
      people.funded(people.person('Gita', [uniqueVpa('gita')]), '500.00'),
      people.person('Hari', [uniqueVpa('hari')]),
    ]);
    const created = await payOnceKnown(viaGateway, payer, { payerVpa: payer.vpas[0], payeeVpa: payee.vpas[0], amount: '12.34' });
    expect(created.status).toBe(202);
    const payment = await finalPayment(created.body.id);
    expect(payment.status).toBe('SUCCEEDED');
    const account = await people.account(payer);
    expect(account).toMatchObject({ balance: '487.66', held: '0.00' });

    // Tokens and passwords went through the gateway, and none of them into its log.
    const log = readFileSync(join(system.logDir, 'gateway.log'), 'utf8');
    for (const secret of [payer.token, payer.password, payee.token, payee.password, operator.token])
      expect(`gateway.log ${log.includes(secret) ? 'holds' : 'does not hold'} ${secret}`).toMatch(/does not hold/);

    // One trace: its root is the gateway's server span, and the payments service's request span is its child.
    await eventually(
      async () => {
        const spans = (await fetchTrace(zipkin.url, payment.traceId!)) as ZipkinSpan[];
        const roots = spans.filter((s) => !s.parentId);
        expect(roots.map((s) => [s.localEndpoint.serviceName, s.kind])).toEqual([['gateway', 'SERVER']]);
        const byId = new Map(spans.map((s) => [s.id, s]));
        expect(spans.filter((s) => s.parentId && !byId.has(s.parentId))).toEqual([]);
        const paymentsServer = spans.filter((s) => s.localEndpoint.serviceName === 'payments' && s.kind === 'SERVER');
        expect(paymentsServer).toHaveLength(1);
        expect(paymentsServer[0].parentId).toBe(roots[0].id);
        expect(new Set(spans.map((s) => s.localEndpoint.serviceName))).toEqual(
          new Set(['gateway', 'payments', 'fraud', 'ledger', 'inventory', 'notifications', 'analytics', 'disputes']),
        );
      },
      30000,
      500,
    );
  });
});

describe('an instance of payments killed under load', () => {
  it('loses and doubles no payment, and no read gets a 5xx', async () => {
    const [payer, payee] = await Promise.all([
      people.funded(people.person('Kiran', [uniqueVpa('kiran')]), '1000.00'),
      people.person('Lata', [uniqueVpa('lata')]),
    ]);
    // Payments knows both VPAs before the stream starts (a first payment waits for that).
    const first = await payOnceKnown(viaGateway, payer, { payerVpa: payer.vpas[0], payeeVpa: payee.vpas[0], amount: '1.00' });
    expect(first.status).toBe(202);

    // A second instance, in the gateway's rotation before the stream starts.
    const second = await system.addInstance('payments');
    await eventually(() =>
      expect(readFileSync(join(system.logDir, 'gateway.log'), 'utf8')).toContain(`payments instance ${second} is in rotation`),
    );

    const TOTAL = 40;
    const KILL_AFTER = 12;
    const started: Array<{ key: string; id?: string }> = [];
    const readFailures: string[] = [];
    let killed: Promise<void> | undefined;
    /** Reads go on until every payment is final. */
    let streaming = true;

    /** A client that retries a POST with the same key after a 5xx or a failed connection, as a real one would. */
    const pay = async (): Promise<void> => {
      const entry: { key: string; id?: string } = { key: randomUUID() };
      started.push(entry);
      let last: Answer | string = 'unsent';
      await eventually(
        async () => {
          last = await call('POST', payments(), {
            token: payer.token,
            headers: { 'idempotency-key': entry.key },
            body: { payerVpa: payer.vpas[0], payeeVpa: payee.vpas[0], amount: '1.00', currency: 'INR' },
          }).catch((error: Error) => `no answer: ${error.message}`);
          if (typeof last === 'string' || last.status >= 500)
            throw new Error(`POST ${entry.key}: ${typeof last === 'string' ? last : outcomeOf(last)}`);
          return last;
        },
        60000,
        200,
      );
      const answer = last as unknown as Answer<Payment>;
      expect(answer.status).toBe(202);
      entry.id = answer.body.id;
      if (started.length >= KILL_AFTER && !killed) killed = system.killService('payments', 0);
    };

    /** Reads all along: one payment, and the payer's list. Every answer must be a 200. */
    const read = async (): Promise<void> => {
      while (streaming) {
        const known = started.filter((s) => s.id);
        const url = known.length ? payments(`/${known[known.length - 1].id}`) : payments('?limit=5');
        for (const target of [url, payments('?limit=5')]) {
          const answer = await call('GET', target, { token: payer.token }).catch((error: Error) => `no answer: ${error.message}`);
          if (typeof answer === 'string' || answer.status !== 200)
            readFailures.push(`GET ${target}: ${typeof answer === 'string' ? answer : outcomeOf(answer)}`);
        }
      }
    };

    const writers = Array.from({ length: 4 }, async () => {
      while (started.length < TOTAL) await pay();
    });
    const readers = [read(), read()];
    await Promise.all(writers);
    expect(killed).toBeDefined();
    await killed;

    expect(started.length).toBe(TOTAL);
    const ids = started.map((s) => s.id!);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);

    // Exactly these payments exist for the payer (and the first one), each once, and each settles;
    // the readers read on until then, and so does this wait: no answer but a 200.
    const listed = await call('GET', payments(`?vpa=${encodeURIComponent(payer.vpas[0])}&limit=100`), { token: payer.token });
    expect(listed.status).toBe(200);
    expect((listed.body as Page<Payment>).data.map((p) => p.id).sort()).toEqual([first.body.id, ...ids].sort());
    const finals = await Promise.all(
      [first.body.id, ...ids].map((id) =>
        eventually(
          async () => {
            const answer = await call('GET', payments(`/${id}`), { token: operator.token }).catch(
              (error: Error) => `no answer: ${error.message}`,
            );
            if (typeof answer === 'string' || answer.status !== 200) {
              readFailures.push(`GET /v1/payments/${id}: ${typeof answer === 'string' ? answer : outcomeOf(answer)}`);
              throw new Error(readFailures[readFailures.length - 1]);
            }
            const payment = answer.body as Payment;
            expect(payment.status).not.toBe('PENDING');
            return payment;
          },
          120000,
          250,
        ),
      ),
    );
    streaming = false;
    await Promise.all(readers);
    expect(readFailures).toEqual([]);
    expect(finals.filter((p) => p.status !== 'SUCCEEDED')).toEqual([]);

    // Each moved its rupee once: the ledger agrees, and its invariants hold.
    const paid = finals.length;
    await eventually(async () => {
      expect(await people.account(payer)).toMatchObject({ balance: `${1000 - paid}.00`, held: '0.00' });
      expect(await people.account(payee)).toMatchObject({ balance: `${paid}.00`, held: '0.00' });
    }, 60000);
    await expectMoneyConserved(system, operator);
  });
});
