import { testEnv } from '../../../test/support/env';
import { eventually } from '../../../test/support/eventually';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService } from '../../../test/support/service-app';
import { DisputesApi, startDisputes, TestPayment } from './support/disputes-api';

// A dispute left OPEN longer than DISPUTE_REVIEW_SLA_S is escalated, once, and announced to operators
// (disputes.md, acceptance scenario 5). Two instances sweep, as in production.
const env = testEnv('disputes_escalation', { DISPUTE_REVIEW_SLA_S: '5', DISPUTE_SWEEP_INTERVAL_MS: '50' });
const kafka = new TestKafka(env);
let services: RunningService[];
let api: DisputesApi;
let operator: TestUser;

beforeAll(async () => {
  services = [await startDisputes(env), await startDisputes(env)];
  api = new DisputesApi(services[0], kafka);
  operator = await newOperator();
});

afterAll(async () => {
  await Promise.all(services?.map((service) => service.close()) ?? []);
  await kafka.close();
});

async function paid(): Promise<TestPayment> {
  const [alice, bob] = await Promise.all([newUser(), newUser()]);
  return api.succeeded(api.payment(alice, bob, 10_00));
}

describe('escalation', () => {
  it('escalates a dispute left OPEN past the review SLA once, with one DisputeEscalated', async () => {
    const p = await paid();
    const opened = await api.open(p.payer, p.id);
    expect(opened.body).toMatchObject({ status: 'OPEN', escalated: false, escalatedAt: null });
    const id = opened.body.id as string;
    const escalated = await eventually(async () => {
      const { body } = await api.get(id, p.payee);
      expect(body).toMatchObject({ status: 'OPEN', escalated: true, escalatedAt: expect.any(String) });
      return body;
    });
    expect(Date.parse(escalated.escalatedAt as string) - Date.parse(escalated.createdAt as string)).toBeGreaterThanOrEqual(5000);
    expect(escalated.history).toHaveLength(1); // not a change of status

    // reviewing it keeps it escalated; its review event comes after every escalation there was
    expect((await api.review(id, operator)).body).toMatchObject({
      status: 'UNDER_REVIEW',
      escalated: true,
      escalatedAt: escalated.escalatedAt,
    });
    const events = await api.disputeEvents(p.id, (seen) => seen.some((e) => e.type === 'DisputeReviewStarted'));
    expect(events.map((e) => e.type)).toEqual(['DisputeOpened', 'DisputeEscalated', 'DisputeReviewStarted']);
    expect(events[1].payload).toMatchObject({
      disputeId: id,
      payerUserId: p.payer!.userId,
      payeeUserId: p.payee!.userId,
      amountPaise: 10_00,
      openedAt: escalated.createdAt,
      escalatedAt: escalated.escalatedAt,
    });
  });

  it('never escalates a dispute reviewed or withdrawn within the SLA', async () => {
    const [reviewed, withdrawn, left] = await Promise.all([paid(), paid(), paid()]);
    const ids: string[] = [];
    // Each reviewed or withdrawn right after its opening, within the 5 s SLA (the precondition this
    // test needs: it fails, rather than passes, on a machine too slow for it).
    ids.push((await api.open(reviewed.payer, reviewed.id)).body.id as string);
    expect((await api.review(ids[0], operator)).body).toMatchObject({ status: 'UNDER_REVIEW', escalated: false });
    ids.push((await api.open(withdrawn.payer, withdrawn.id)).body.id as string);
    expect((await api.withdraw(ids[1], withdrawn.payer)).body).toMatchObject({ status: 'WITHDRAWN', escalated: false });
    ids.push((await api.open(left.payer, left.id)).body.id as string);
    // the dispute opened last is escalated: the sweeps since have passed the other two by
    await eventually(async () => expect((await api.get(ids[2], operator)).body.escalated).toBe(true));
    expect((await api.get(ids[0], operator)).body).toMatchObject({ escalated: false, escalatedAt: null });
    expect((await api.get(ids[1], operator)).body).toMatchObject({ escalated: false, escalatedAt: null });
  });
});
