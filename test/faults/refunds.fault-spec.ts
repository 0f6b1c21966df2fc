import { sleep } from './support/broker';
import { MERCHANT, SentPayments } from './support/load';
import { RefundsAndDisputes } from './support/refunds';
import { outage, runScenario, SCENARIO_TIMEOUT_MS } from './support/scenario';
import { FaultSystem } from './support/system';

/*
 * Refunds and disputes (disputes.md) while the services that make them die: under a stream of
 * payments, the merchant's user refunds a third of every third payment once it SUCCEEDED, and the
 * payer of every fifth disputes half of it, which an operator reviews and resolves for the payer
 * (then the payments service makes the dispute's refund). Every request is retried until it gets a
 * final answer (a refund with its own Idempotency-Key, as a careful client does). Mid-way the
 * payments service is killed with kill -9 and started again (refund requests in flight, dispute
 * resolutions being turned into refunds), later the disputes service (openings, reviews and
 * resolutions in flight, DisputeResolved in its outbox). After the drain, beside every invariant of
 * the suite and the bank (which checks every refund against its hold and entries at the ledger):
 * no refund made twice, none lost (every one SUCCEEDED: the merchant has been paid far more than it
 * gives back), no payment refunded past its amount, and each resolved dispute shows its refund.
 * PAYMENT_TIMEOUT_S is 120 s, far longer than either outage: none explains an expiry.
 */
jest.setTimeout(SCENARIO_TIMEOUT_MS);

let system: FaultSystem;
const sent = new SentPayments();

beforeAll(async () => {
  system = await FaultSystem.start('faults_refunds', { FRAUD_BLOCKED_VPAS: 'mallory@okbank', PAYMENT_TIMEOUT_S: '120' });
}, SCENARIO_TIMEOUT_MS);

afterAll(async () => {
  await system?.stop();
});

describe('refunds and dispute resolutions under kill -9 of payments, then of disputes', () => {
  const scenario = 'kill9-refunds';
  let work: RefundsAndDisputes | undefined;
  let passed = false;

  it('each accepted refund and each dispute resolved for the payer is refunded exactly once, within its payment', async () => {
    let explained = 0;
    const scenarioRun = runScenario(system, sent, scenario, {
      rate: 20,
      durationMs: 20000,
      fault: async (stream) => {
        work = new RefundsAndDisputes({
          system,
          scenario,
          stream,
          payeeToken: (await system.identities.payee(MERCHANT)).token,
          operatorToken: await system.identities.operator(),
        }).start();
        // Payments dies once refunds and disputes are under way: refund requests in flight, resolutions to turn into refunds.
        await work.whenUnderWay(20, 20);
        const paymentsOutage = await outage(system, stream, async () => {
          expect((await system.kill('payments', 'SIGKILL')).signal).toBe('SIGKILL');
          await sleep(2000);
          await system.start('payments');
        });
        // Then disputes, once as much again has begun.
        await work.whenUnderWay(work.refundAttempts + 20, work.disputeAttempts + 30);
        const disputesOutage = await outage(system, stream, async () => {
          expect((await system.kill('disputes', 'SIGKILL')).signal).toBe('SIGKILL');
          await sleep(2000);
          await system.start('disputes');
        });
        explained = Math.max(paymentsOutage, disputesOutage);
      },
      afterStream: async () => {
        await work!.done;
        await work!.untilRefundsFinal();
      },
      expiries: () => explained,
    });
    // A failed scenario ends its refunds and disputes too: none goes on retrying behind the next test.
    const figures = await scenarioRun.finally(() => work?.stop());

    const result = await work!.check((await system.identities.payee(MERCHANT)).userId);
    const { refunds, disputes } = result;
    console.log(
      `[faults] ${scenario.padEnd(24)} refunds ${refunds.asked} asked, ${refunds.accepted} accepted, ${refunds.succeeded} succeeded, ` +
        `${result.doubled} doubled, ${result.lost} lost, retried ${refunds.retried}${refunds.causes}, replayed ${refunds.replayed} | ` +
        `disputes ${disputes.opened} opened, ${disputes.resolved} resolved for the payer, ${disputes.refundedOnce} refunded once, ` +
        `retried ${disputes.retried}${disputes.causes}, steps found made ${disputes.foundMade} | over-refunded payments ${result.overRefunded} | ` +
        `replays differing ${result.replaysDiffering} | bank: refunds agreeing with the ledger ${figures.bank.refundsAgreeing}/${figures.bank.refunds}`,
    );
    if (result.problems.length) {
      system.failed = true;
      throw new Error(
        `${scenario}: ${result.problems.length} refund violation(s):\n  ${result.problems.slice(0, 60).join('\n  ')}\n\n${system.tails()}`,
      );
    }
    // The work was there, and the kills hit it: refund requests and dispute steps retried through the outages.
    expect(refunds.accepted).toBeGreaterThan(30);
    expect(disputes.resolved).toBeGreaterThan(20);
    expect(refunds.hitByOutage).toBeGreaterThan(0);
    expect(disputes.hitByOutage).toBeGreaterThan(0);
    passed = true;
  });

  it('the check itself: a refund made twice for one request is reported, and nothing else', async () => {
    if (!work || !passed) throw new Error('needs the scenario above to have passed, on the same system');
    // As if payments had made a second refund for one request (failed, so no money or sum moves): forged in its table.
    const twice = work.refunds.find((r) => r.refundId)!;
    await system.db.query(
      `INSERT INTO payments.refunds (id, payment_id, amount_paise, reason, status, failure_reason, requested_by, completed_at)
       SELECT gen_random_uuid(), payment_id, amount_paise, reason, 'FAILED', 'EXPIRED', requested_by, now() FROM payments.refunds WHERE id = $1`,
      [twice.refundId],
    );
    const result = await work.check((await system.identities.payee(MERCHANT)).userId);
    expect(result.problems).toEqual([expect.stringMatching(new RegExp(`^refund ${twice.body.reason}: 2 refunds made \\(`))]);
    expect(result.doubled).toBe(1);
  });
});
