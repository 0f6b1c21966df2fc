import { Inject, Injectable } from '@nestjs/common';
import { createEvent, DomainEvent, normalizeVpa } from '@app/contracts';
import { annotateEvent, Outbox } from '@app/messaging';
import { Assessment } from '../assessment';
import { AssessmentsRepository } from '../assessments.repository';
import { FRAUD_SETTINGS, FraudSettings } from '../config';
import { KnownPayeesRepository } from '../known-payees/known-payees.repository';
import { assess, velocityWindow } from './fraud-rules';
import { SeenPayment, SeenPaymentsRepository } from './seen-payments.repository';

export type FraudInput = DomainEvent<'PaymentInitiated'> | DomainEvent<'PaymentSucceeded'>;

@Injectable()
export class AssessPaymentService {
  constructor(
    @Inject(FRAUD_SETTINGS) private readonly settings: FraudSettings,
    private readonly outbox: Outbox,
    private readonly assessments: AssessmentsRepository,
    private readonly seenPayments: SeenPaymentsRepository,
    private readonly knownPayees: KnownPayeesRepository,
  ) {}

  /**
   * Assesses the initiated payments of a chunk and learns the known payees from its successes, in
   * the order the events came, exactly as one by one; stores the verdicts and announces them, all
   * in the chunk's transaction, with one statement per table. The payers' advisory locks (taken
   * in one order) serialise the payments of one payer across partitions and instances, so the
   * velocity count is exact: each sees every payment committed before it, and the ones before it
   * in this chunk.
   */
  async assessAll(events: FraudInput[]): Promise<void> {
    const initiated = events.filter((e): e is DomainEvent<'PaymentInitiated'> => e.type === 'PaymentInitiated');
    const payers = [...new Set(initiated.map((e) => normalizeVpa(e.payload.payerVpa)))];
    await this.seenPayments.lockPayers(payers);
    // The same payment under another event id: it was decided once and stays decided.
    const decided = await this.assessments.decidedAmong(initiated.map((e) => e.paymentId));
    const seen = await this.seenWithinReach(payers, initiated);
    const known = await this.knownPayees.among(events.map((e) => [normalizeVpa(e.payload.payerVpa), normalizeVpa(e.payload.payeeVpa)]));

    const verdicts: Array<{ event: DomainEvent<'PaymentInitiated'>; verdict: ReturnType<typeof assess>; assessedAt: Date }> = [];
    const succeeded: Array<DomainEvent<'PaymentSucceeded'>> = [];
    for (const event of events) {
      const payerVpa = normalizeVpa(event.payload.payerVpa);
      const payeeVpa = normalizeVpa(event.payload.payeeVpa);
      if (event.type === 'PaymentSucceeded') {
        known.add(`${payerVpa} ${payeeVpa}`);
        succeeded.push(event);
        continue;
      }
      if (decided.has(event.paymentId)) continue;
      decided.add(event.paymentId);
      const { paymentId, payload } = event;
      const window = velocityWindow(payload.createdAt, this.settings.velocityWindowSeconds);
      const recent = seen.filter(
        (s) =>
          s.payerVpa === payerVpa &&
          s.paymentId !== paymentId &&
          s.createdAt > window.after.getTime() &&
          s.createdAt < window.before.getTime(),
      ).length;
      const verdict = assess(
        { payerVpa, payeeVpa, amountPaise: payload.amountPaise, recentPayments: recent, knownPayee: known.has(`${payerVpa} ${payeeVpa}`) },
        this.settings,
      );
      annotateEvent(event, {
        'fraud.decision': verdict.decision,
        'fraud.score': verdict.score,
        'fraud.reasons': verdict.reasons.join(','),
      });
      if (!seen.some((s) => s.paymentId === paymentId)) seen.push({ paymentId, payerVpa, createdAt: Date.parse(payload.createdAt) });
      verdicts.push({ event, verdict, assessedAt: new Date() });
    }

    await this.knownPayees.record(
      succeeded.map(({ payload }) => ({
        payerVpa: normalizeVpa(payload.payerVpa),
        payeeVpa: normalizeVpa(payload.payeeVpa),
        firstPaidAt: payload.completedAt,
      })),
    );
    if (verdicts.length === 0) return;
    await this.seenPayments.add(
      verdicts.map(({ event }) => ({
        paymentId: event.paymentId,
        payerVpa: normalizeVpa(event.payload.payerVpa),
        createdAt: event.payload.createdAt,
      })),
    );
    await this.assessments.insert(
      verdicts.map(({ event, verdict, assessedAt }): Assessment => ({ paymentId: event.paymentId, ...verdict, assessedAt })),
    );
    await this.outbox.add(
      verdicts.map(({ event, verdict, assessedAt }) =>
        createEvent('FraudAssessed', event.paymentId, { ...verdict, assessedAt: assessedAt.toISOString() }, 'fraud', assessedAt),
      ),
      verdicts.map(({ event }) => event),
    );
  }

  /** The payers' payments already assessed, within reach of any of these payments' velocity windows. */
  private async seenWithinReach(payers: string[], initiated: Array<DomainEvent<'PaymentInitiated'>>): Promise<SeenPayment[]> {
    if (initiated.length === 0) return [];
    const windows = initiated.map((e) => velocityWindow(e.payload.createdAt, this.settings.velocityWindowSeconds));
    const after = new Date(Math.min(...windows.map((w) => w.after.getTime())));
    const before = new Date(Math.max(...windows.map((w) => w.before.getTime())));
    return this.seenPayments.within(payers, after, before);
  }
}
