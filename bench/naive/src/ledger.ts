// Naive ledger: an account per linked VPA, and per payment event (one at a time) one TypeORM
// transaction that locks the rows it changes (pessimistic_write, accounts in vpa order) and saves each
// of them on its own: the hold and the daily spend on PaymentInitiated, the two journal entries on
// PaymentSucceeded, the hold voided on PaymentFailed; then one awaited emit of the ledger's answer.
import { Controller, Injectable, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource, InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AnyEvent, createEvent, database, DomainEvent, EventPublisher, FundsFacts, KafkaClientModule, TOPICS, UserEvent } from './common';
import { Account, DailySpend, Hold, LedgerEntry } from './entities';
import { HealthController } from './health';

/** What a payer may debit (held or posted) on one India day, in paise (LEDGER_DAILY_LIMIT, in rupees). */
const DAILY_LIMIT = (() => {
  const [rupees, fraction = ''] = (process.env.LEDGER_DAILY_LIMIT ?? '100000.00').trim().split('.');
  return Number(rupees) * 100 + Number(fraction.padEnd(2, '0'));
})();
const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;
/** The calendar day in India (UTC+05:30 all year), YYYY-MM-DD. */
const indiaDay = (iso: string) => new Date(Date.parse(iso) + IST_OFFSET_MS).toISOString().slice(0, 10);
const paise = (value: string) => Number(value);
const add = (value: string, amount: number) => String(Number(value) + amount);

type Answer = { type: 'FundsReserved' | 'FundsSettled' | 'FundsReleased' } | { type: 'FundsRejected'; reason: string };

@Injectable()
export class LedgerService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    private readonly publisher: EventPublisher,
  ) {}

  /** Accounts opened and closed as the users service says: one find and one save per event (a newer stored fact wins). */
  async onUserEvent(event: UserEvent) {
    if (event.type === 'VpaLinked' || event.type === 'VpaUnlinked') {
      const linked = event.type === 'VpaLinked';
      const at = new Date(event.type === 'VpaLinked' ? event.payload.linkedAt : event.payload.unlinkedAt);
      const vpa = event.payload.vpa.toLowerCase();
      const stored = await this.accounts.findOneBy({ vpa });
      if (stored && stored.asOf >= at) return;
      const account =
        stored ?? this.accounts.create({ vpa, creditsPosted: '0', debitsPosted: '0', debitsPending: '0', openedAt: at, closedAt: null });
      Object.assign(account, { userId: event.userId, status: linked ? 'OPEN' : 'CLOSED', asOf: at, closedAt: linked ? null : at });
      await this.accounts.save(account);
    } else if (event.type === 'UserDeregistered') {
      const at = new Date(event.payload.deregisteredAt);
      await this.accounts.update({ userId: event.userId, status: 'OPEN' }, { status: 'CLOSED', asOf: at, closedAt: at });
    }
  }

  /** Holds the payer's amount, or says why not. */
  async hold(event: DomainEvent<'PaymentInitiated'>) {
    const { paymentId } = event;
    const p = event.payload;
    const facts: FundsFacts = { payerVpa: p.payerVpa.toLowerCase(), payeeVpa: p.payeeVpa.toLowerCase(), amountPaise: p.amountPaise };
    const day = indiaDay(p.createdAt);
    const answer = await this.dataSource.transaction(async (manager): Promise<Answer | null> => {
      if (await manager.existsBy(Hold, { id: paymentId })) return null;
      const accounts = await this.lock(manager, [facts.payerVpa, facts.payeeVpa]);
      const payer = accounts.get(facts.payerVpa);
      const payee = accounts.get(facts.payeeVpa);
      const spend = await manager.findOneBy(DailySpend, { vpa: facts.payerVpa, day });
      const spent = paise(spend?.amountPaise ?? '0');
      let reason: string | null = null;
      if (payer?.status !== 'OPEN' || payee?.status !== 'OPEN') reason = 'ACCOUNT_CLOSED';
      else if (paise(payer.creditsPosted) - paise(payer.debitsPosted) - paise(payer.debitsPending) < facts.amountPaise)
        reason = 'INSUFFICIENT_FUNDS';
      else if (spent + facts.amountPaise > DAILY_LIMIT) reason = 'DAILY_LIMIT_EXCEEDED';
      if (!reason) {
        payer!.debitsPending = add(payer!.debitsPending, facts.amountPaise);
        await manager.save(payer!);
        await manager.save(manager.create(DailySpend, { vpa: facts.payerVpa, day, amountPaise: String(spent + facts.amountPaise) }));
      }
      const now = new Date();
      await manager.save(
        manager.create(Hold, {
          id: paymentId,
          kind: 'PAYMENT',
          paymentId,
          payerVpa: facts.payerVpa,
          payeeVpa: facts.payeeVpa,
          amountPaise: String(facts.amountPaise),
          day,
          status: reason ? 'REJECTED' : 'PENDING',
          reason,
          createdAt: now,
          updatedAt: now,
        }),
      );
      return reason ? { type: 'FundsRejected', reason } : { type: 'FundsReserved' };
    });
    if (answer) await this.announce(paymentId, facts, answer);
  }

  /** Posts the hold of a succeeded payment (payer debited, payee credited, two entries) or voids that of a failed one. */
  async settle(event: DomainEvent<'PaymentSucceeded' | 'PaymentFailed'>, post: boolean) {
    const { paymentId } = event;
    const p = event.payload;
    const answer = await this.dataSource.transaction(async (manager): Promise<{ facts: FundsFacts; answer: Answer } | null> => {
      const hold = await manager.findOne(Hold, { where: { id: paymentId }, lock: { mode: 'pessimistic_write' } });
      const now = new Date();
      if (!hold) {
        // failed before it was initiated here (out of order): a marker, so that the initiation holds nothing
        if (!post) {
          await manager.save(
            manager.create(Hold, {
              id: paymentId,
              kind: 'PAYMENT',
              paymentId,
              payerVpa: p.payerVpa.toLowerCase(),
              payeeVpa: p.payeeVpa.toLowerCase(),
              amountPaise: String(p.amountPaise),
              day: indiaDay(p.createdAt),
              status: 'VOIDED',
              reason: null,
              createdAt: now,
              updatedAt: now,
            }),
          );
        }
        return null;
      }
      if (hold.status !== 'PENDING') return null;
      const amount = paise(hold.amountPaise);
      const facts: FundsFacts = { payerVpa: hold.payerVpa, payeeVpa: hold.payeeVpa, amountPaise: amount };
      const accounts = await this.lock(manager, post ? [hold.payerVpa, hold.payeeVpa] : [hold.payerVpa]);
      const payer = accounts.get(hold.payerVpa)!;
      payer.debitsPending = add(payer.debitsPending, -amount);
      if (post) {
        const payee = accounts.get(hold.payeeVpa)!;
        payer.debitsPosted = add(payer.debitsPosted, amount);
        payee.creditsPosted = add(payee.creditsPosted, amount);
        await manager.save(payer);
        await manager.save(payee);
        for (const [account, kind] of [
          [payer, 'PAYMENT_DEBIT'],
          [payee, 'PAYMENT_CREDIT'],
        ] as const) {
          await manager.save(
            manager.create(LedgerEntry, {
              vpa: account.vpa,
              kind,
              amountPaise: String(amount),
              balanceAfter: String(paise(account.creditsPosted) - paise(account.debitsPosted)),
              paymentId,
              reference: null,
              transferId: paymentId,
              at: now,
            }),
          );
        }
      } else {
        await manager.save(payer);
        const spend = await manager.findOneByOrFail(DailySpend, { vpa: hold.payerVpa, day: hold.day });
        spend.amountPaise = add(spend.amountPaise, -amount);
        await manager.save(spend);
      }
      hold.status = post ? 'POSTED' : 'VOIDED';
      hold.updatedAt = now;
      await manager.save(hold);
      return { facts, answer: { type: post ? 'FundsSettled' : 'FundsReleased' } };
    });
    if (answer) await this.announce(paymentId, answer.facts, answer.answer);
  }

  /** The accounts of these VPAs, locked in vpa order (two payments never wait on each other's locks). */
  private async lock(manager: EntityManager, vpas: string[]): Promise<Map<string, Account>> {
    const locked = new Map<string, Account>();
    for (const vpa of [...new Set(vpas)].sort()) {
      const account = await manager.findOne(Account, { where: { vpa }, lock: { mode: 'pessimistic_write' } });
      if (account) locked.set(vpa, account);
    }
    return locked;
  }

  private announce(paymentId: string, facts: FundsFacts, answer: Answer) {
    const at = new Date().toISOString();
    switch (answer.type) {
      case 'FundsReserved':
        return this.publisher.publish(TOPICS.ledger, createEvent('FundsReserved', paymentId, { ...facts, reservedAt: at }));
      case 'FundsRejected':
        return this.publisher.publish(
          TOPICS.ledger,
          createEvent('FundsRejected', paymentId, { ...facts, reason: answer.reason, rejectedAt: at }),
        );
      case 'FundsSettled':
        return this.publisher.publish(TOPICS.ledger, createEvent('FundsSettled', paymentId, { ...facts, settledAt: at }));
      case 'FundsReleased':
        return this.publisher.publish(TOPICS.ledger, createEvent('FundsReleased', paymentId, { ...facts, releasedAt: at }));
    }
  }
}

@Controller()
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @EventPattern(TOPICS.payments)
  async onPaymentEvent(@Payload() event: AnyEvent<'PaymentInitiated' | 'PaymentSucceeded' | 'PaymentFailed'>) {
    if (event.type === 'PaymentInitiated') await this.ledger.hold(event);
    else if (event.type === 'PaymentSucceeded') await this.ledger.settle(event, true);
    else if (event.type === 'PaymentFailed') await this.ledger.settle(event, false);
  }

  @EventPattern(TOPICS.users)
  onUserEvent(@Payload() event: UserEvent) {
    return this.ledger.onUserEvent(event);
  }
}

@Module({
  imports: [
    database([Account, Hold, DailySpend, LedgerEntry]),
    TypeOrmModule.forFeature([Account, Hold, DailySpend, LedgerEntry]),
    KafkaClientModule,
  ],
  controllers: [LedgerController, HealthController],
  providers: [LedgerService, EventPublisher],
})
export class LedgerModule {}
