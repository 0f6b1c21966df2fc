import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller } from '@app/auth';
import { Outbox, UnitOfWork } from '@app/messaging';
import { conflict, DomainError } from '@app/platform';
import { annotate } from '@app/telemetry';
import { DISPUTE_SETTINGS, DisputeSettings } from '../config';
import { Dispute } from '../dispute';
import { disputeOpened } from '../dispute-events';
import { DisputeHistoryRepository } from '../dispute-history.repository';
import { DisputeView, toDisputeView } from '../dispute.view';
import { DisputesRepository } from '../disputes.repository';
import { PaymentsRepository } from '../payments.repository';
import { RefundsRepository } from '../refunds.repository';
import { decideFiling } from './filing-rules';
import { OpenDisputeCommand } from './open-dispute.dto';

const alreadyOpen = (paymentId: string) => conflict('DISPUTE.ALREADY_OPEN', `payment ${paymentId} has a dispute that is not final yet`);

/** The constraint a driver error names (TypeORM copies the driver's fields onto its QueryFailedError). */
function constraintOf(error: unknown): string | undefined {
  const e = error as { constraint?: string; driverError?: { constraint?: string } } | null;
  return e?.constraint ?? e?.driverError?.constraint;
}

@Injectable()
export class OpenDisputeService {
  constructor(
    @Inject(DISPUTE_SETTINGS) private readonly settings: DisputeSettings,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
    private readonly disputes: DisputesRepository,
    private readonly history: DisputeHistoryRepository,
  ) {}

  /**
   * Opens the payer's dispute of a payment, as the payment events told this service of it (see
   * `decideFiling` for who may, on which payment, for how much). The payment is locked first, so
   * two disputes of one payment are decided one after the other; the dispute, the first line of
   * its history and its DisputeOpened are written in one transaction.
   */
  open({ paymentId, reason, description, amountPaise }: OpenDisputeCommand, caller: Caller): Promise<DisputeView> {
    annotate({ 'payment.id': paymentId });
    return this.unitOfWork.run(async () => {
      const payment = await this.payments.lock(paymentId);
      const facts = {
        payment,
        refundedPaise: payment ? await this.refunds.refundedPaise(paymentId) : 0,
        hasOpenDispute: payment ? await this.disputes.hasOpen(paymentId) : false,
      };
      const now = new Date();
      const decision = decideFiling(facts, { paymentId, caller, amountPaise, now, windowMs: this.settings.windowMs });
      if (decision.outcome === 'REFUSE') throw new DomainError(decision.code, decision.message, decision.kind, decision.details);

      const { payment: disputed } = decision;
      const dispute: Dispute = {
        id: randomUUID(),
        paymentId,
        payerVpa: disputed.payerVpa,
        payeeVpa: disputed.payeeVpa,
        payerUserId: disputed.payerUserId,
        payeeUserId: disputed.payeeUserId,
        amountPaise: decision.amountPaise,
        reason,
        description,
        status: 'OPEN',
        escalatedAt: null,
        resolutionNote: null,
        resolvedBy: null,
        resolvedAt: null,
        createdAt: now,
        updatedAt: now,
        refund: null,
      };
      annotate({ 'dispute.id': dispute.id });
      await this.disputes.insert(dispute).catch((error: unknown) => {
        // disputes_one_open_per_payment: the payment lock makes this the backstop, not the rule.
        throw constraintOf(error) === 'disputes_one_open_per_payment' ? alreadyOpen(paymentId) : error;
      });
      await this.history.append({ disputeId: dispute.id, from: null, to: 'OPEN', changedBy: caller.userId, changedAt: now });
      await this.outbox.add([disputeOpened(dispute)]);
      return toDisputeView(dispute);
    });
  }
}
