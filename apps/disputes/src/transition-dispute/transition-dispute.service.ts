import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { DomainEvent } from '@app/contracts';
import { Outbox, UnitOfWork } from '@app/messaging';
import { conflict, DomainError } from '@app/platform';
import { annotate } from '@app/telemetry';
import { Dispute } from '../dispute';
import { DisputeAccess } from '../dispute-access';
import { disputeResolved, disputeReviewStarted, disputeWithdrawn } from '../dispute-events';
import { DisputeHistoryRepository } from '../dispute-history.repository';
import { DisputeView, toDisputeView } from '../dispute.view';
import { DisputesRepository } from '../disputes.repository';
import { DisputeAction, decideTransition } from './transition-rules';

@Injectable()
export class TransitionDisputeService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly access: DisputeAccess,
    private readonly disputes: DisputesRepository,
    private readonly history: DisputeHistoryRepository,
  ) {}

  review(id: string, caller: Caller): Promise<DisputeView> {
    return this.move(id, { type: 'REVIEW' }, caller);
  }

  resolve(id: string, outcome: 'PAYER' | 'PAYEE', note: string, caller: Caller): Promise<DisputeView> {
    return this.move(id, { type: 'RESOLVE', outcome }, caller, note);
  }

  withdraw(id: string, caller: Caller): Promise<DisputeView> {
    return this.move(id, { type: 'WITHDRAW' }, caller);
  }

  /**
   * Moves a dispute as asked (see `decideTransition`), with its history line and its event, in one
   * transaction. The dispute is locked first: of two operators resolving it at once, the second
   * decides on what the first committed, and is refused (409) with nothing changed.
   */
  private move(id: string, action: DisputeAction, caller: Caller, note?: string): Promise<DisputeView> {
    return this.unitOfWork.run(async () => {
      const { dispute, role } = await this.access.visible(id, caller, 'update');
      const decision = decideTransition(action, dispute.status, role, caller.isOperator);
      annotate({ 'dispute.action': action.type, 'dispute.transition.outcome': decision.outcome });
      if (decision.outcome === 'REFUSE') throw new DomainError(decision.code, decision.message, decision.kind, decision.details);
      const at = new Date();
      const resolution = action.type === 'RESOLVE' ? { note: note!, resolvedBy: caller.userId } : undefined;
      if (!(await this.disputes.transition(dispute.id, decision.from, decision.to, at, { resolution }))) {
        // Not reached while the row is locked: the status read is the status updated.
        throw conflict('DISPUTE.INVALID_TRANSITION', `the dispute is no longer ${decision.from}`);
      }
      await this.history.append({ disputeId: dispute.id, from: decision.from, to: decision.to, changedBy: caller.userId, changedAt: at });
      const moved = (await this.disputes.find(dispute.id))!;
      await this.outbox.add([announcement(action, moved, caller.userId, at)]);
      return toDisputeView(moved);
    });
  }
}

function announcement(
  action: DisputeAction,
  dispute: Dispute,
  by: string,
  at: Date,
): DomainEvent<'DisputeReviewStarted' | 'DisputeResolved' | 'DisputeWithdrawn'> {
  switch (action.type) {
    case 'REVIEW':
      return disputeReviewStarted(dispute, by, at);
    case 'RESOLVE':
      return disputeResolved(dispute);
    case 'WITHDRAW':
      return disputeWithdrawn(dispute, at);
  }
}
