import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEvent, DomainEvent, EventType, normalizeVpa } from '@app/contracts';
import { annotateEvent, Outbox, PermanentMessageError } from '@app/messaging';
import { AccountsRepository } from '../accounts.repository';
import { LEDGER_SETTINGS, LedgerSettings } from '../config';
import { DailySpendRepository } from '../daily-spend.repository';
import { EntriesRepository } from '../entries.repository';
import { Hold } from '../hold';
import { HoldsRepository } from '../holds.repository';
import { indiaDay } from '../india-day';
import { LEDGER_PRODUCER } from '../ledger.constants';
import { FundsDecision, foldFunds, spendKey, TransferFact } from './funds-fold';

export type PaymentEvent = DomainEvent<'PaymentInitiated'> | DomainEvent<'PaymentSucceeded'> | DomainEvent<'PaymentFailed'>;
export type RefundEvent = DomainEvent<'RefundRequested'> | DomainEvent<'RefundSucceeded'> | DomainEvent<'RefundFailed'>;
export type TransferEvent = PaymentEvent | RefundEvent;

/**
 * Holds, posts and voids payments' and refunds' amounts, a chunk of events at a time, in the
 * consumer's transaction. A refund is a transfer back, from the payment's payee to its payer.
 *
 * Serialisation: the chunk first locks every account it touches in ONE statement, in vpa order,
 * then the holds of its payments, in payment id order. Whatever set of accounts two chunks touch
 * (two partitions, or two instances in one consumer group), they take their locks in the same
 * order, so they queue instead of deadlocking, and the second decides on what the first committed.
 * Inside a chunk the events are folded in memory in order by a pure function (`foldFunds`), so a
 * chunk that touches one account many times needs no retry one by one; the result is written back
 * with one statement per table.
 */
@Injectable()
export class PaymentFundsService {
  private readonly logger = new Logger(PaymentFundsService.name);

  constructor(
    @Inject(LEDGER_SETTINGS) private readonly settings: LedgerSettings,
    private readonly accounts: AccountsRepository,
    private readonly holds: HoldsRepository,
    private readonly spend: DailySpendRepository,
    private readonly entries: EntriesRepository,
    private readonly outbox: Outbox,
  ) {}

  async applyAll(events: TransferEvent[]): Promise<void> {
    const facts = events.map(factOf);
    const accounts = await this.accounts.lock(facts.flatMap((f) => [f.payerVpa, f.payeeVpa]));
    const holds = await this.holds.lock(facts.map((f) => f.holdId));
    const spendKeys = [
      ...facts.filter((f) => f.type === 'PaymentInitiated').map((f) => ({ vpa: f.payerVpa, day: indiaDay(f.createdAt) })),
      ...holds.filter((h) => h.kind === 'PAYMENT').map((h) => ({ vpa: h.payerVpa, day: h.day })),
    ];
    const spends = await this.spend.find(spendKeys);
    const start = {
      accounts: new Map(accounts.map((a) => [a.vpa, a])),
      holds: new Map(holds.map((h) => [h.id, h])),
      spend: new Map(spends.map((s) => [spendKey(s.vpa, s.day), s.amountPaise])),
    };
    const { state, decisions } = foldFunds(start, facts, this.settings.dailyLimitPaise);

    const contradiction = decisions.find((d) => d.outcome === 'CONTRADICTION');
    if (contradiction && 'why' in contradiction) throw new PermanentMessageError(contradiction.why);

    const now = new Date().toISOString();
    const announcements: Array<{ event: DomainEvent<EventType>; cause: TransferEvent }> = [];
    decisions.forEach((decision, i) => {
      const event = events[i];
      this.annotate(event, decision);
      const announcement = announcementOf(decision, now);
      if (announcement) announcements.push({ event: announcement, cause: event });
    });

    await this.accounts.saveBalances([...state.accounts.values()].filter((a) => a !== start.accounts.get(a.vpa)));
    await this.holds.save([...state.holds.values()].filter((h) => h !== start.holds.get(h.id)));
    await this.spend.save(
      [...state.spend]
        .filter(([key, amount]) => amount !== start.spend.get(key))
        .map(([key, amountPaise]) => {
          const [vpa, day] = key.split(' ');
          return { vpa, day, amountPaise };
        }),
    );
    await this.entries.append(decisions.flatMap((d) => (d.outcome === 'POSTED' ? d.entries : [])));
    await this.outbox.add(
      announcements.map((a) => a.event),
      announcements.map((a) => a.cause),
    );
  }

  private annotate(event: TransferEvent, decision: FundsDecision): void {
    if (decision.outcome === 'UNCHANGED' || decision.outcome === 'CONTRADICTION') {
      this.logger.log(`${event.type} of payment ${event.paymentId} changes nothing: ${decision.why}`);
      annotateEvent(event, { 'ledger.hold.outcome': 'UNCHANGED' });
      return;
    }
    const { hold } = decision;
    annotateEvent(event, {
      'ledger.hold.outcome': decision.outcome === 'MARKED_VOID' ? 'VOIDED' : decision.outcome,
      ...(hold.reason ? { 'ledger.hold.rejection_reason': hold.reason } : {}),
    });
  }
}

function factOf(event: TransferEvent): TransferFact {
  const { payerVpa, payeeVpa, amountPaise } = event.payload;
  const [payer, payee] = [normalizeVpa(payerVpa), normalizeVpa(payeeVpa)];
  if ('refundId' in event.payload) {
    // A refund moves money back: from the payment's payee to its payer.
    const { refundId, requestedAt } = event.payload;
    const type = event.type as RefundEvent['type'];
    return {
      type,
      holdId: refundId,
      paymentId: event.paymentId,
      payerVpa: payee,
      payeeVpa: payer,
      amountPaise,
      createdAt: new Date(requestedAt),
    };
  }
  const type = event.type as PaymentEvent['type'];
  const createdAt = new Date(event.payload.createdAt);
  return { type, holdId: event.paymentId, paymentId: event.paymentId, payerVpa: payer, payeeVpa: payee, amountPaise, createdAt };
}

/** The event that tells payments what happened to a payment's or a refund's money; none when nothing did. */
function announcementOf(decision: FundsDecision, at: string): DomainEvent<EventType> | null {
  if (!('hold' in decision)) return null;
  if (decision.hold.kind === 'REFUND') return refundAnnouncementOf(decision, at);
  const { paymentId, payerVpa, payeeVpa, amountPaise, reason } = decision.hold;
  const facts = { payerVpa, payeeVpa, amountPaise };
  switch (decision.outcome) {
    case 'RESERVED':
      return createEvent('FundsReserved', paymentId, { ...facts, reservedAt: at }, LEDGER_PRODUCER);
    case 'REJECTED':
      return createEvent('FundsRejected', paymentId, { ...facts, reason: reason!, rejectedAt: at }, LEDGER_PRODUCER);
    case 'POSTED':
      return createEvent('FundsSettled', paymentId, { ...facts, settledAt: at }, LEDGER_PRODUCER);
    case 'VOIDED':
      return createEvent('FundsReleased', paymentId, { ...facts, releasedAt: at }, LEDGER_PRODUCER);
    case 'MARKED_VOID':
      return null; // nothing was held: nothing to release
  }
}

function refundAnnouncementOf(decision: Extract<FundsDecision, { hold: Hold }>, at: string): DomainEvent<EventType> | null {
  const { id, paymentId, payerVpa, payeeVpa, amountPaise, reason } = decision.hold;
  const facts = { refundId: id, fromVpa: payerVpa, toVpa: payeeVpa, amountPaise };
  switch (decision.outcome) {
    case 'RESERVED':
      return createEvent('RefundFundsReserved', paymentId, { ...facts, reservedAt: at }, LEDGER_PRODUCER);
    case 'REJECTED':
      // A refund is never refused for the daily limit (it does not count against it).
      return createEvent(
        'RefundFundsRejected',
        paymentId,
        { ...facts, reason: reason as 'INSUFFICIENT_FUNDS' | 'ACCOUNT_CLOSED', rejectedAt: at },
        LEDGER_PRODUCER,
      );
    case 'POSTED':
      return createEvent('RefundFundsSettled', paymentId, { ...facts, settledAt: at }, LEDGER_PRODUCER);
    case 'VOIDED':
      return createEvent('RefundFundsReleased', paymentId, { ...facts, releasedAt: at }, LEDGER_PRODUCER);
    case 'MARKED_VOID':
      return null;
  }
}
