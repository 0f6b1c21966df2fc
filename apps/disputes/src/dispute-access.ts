import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { notFound } from '@app/platform';
import { annotate } from '@app/telemetry';
import { Dispute, DisputeRole, isDisputeId, roleOf } from './dispute';
import { DisputesRepository } from './disputes.repository';

export const disputeNotFound = (id: string) => notFound('DISPUTE.NOT_FOUND', `dispute ${id} not found`);

/**
 * Who may see a dispute: its payer's and its payee's user, and operators. Anyone else, like an id
 * that is not a UUID, is told it does not exist.
 */
@Injectable()
export class DisputeAccess {
  constructor(private readonly disputes: DisputesRepository) {}

  /** The dispute and whom the caller is on it; `lock` locks it until the transaction ends (see DisputesRepository.lock). */
  async visible(id: string, caller: Caller, lock?: 'update' | 'share'): Promise<{ dispute: Dispute; role: DisputeRole }> {
    const dispute = !isDisputeId(id) ? null : lock ? await this.disputes.lock(id, lock) : await this.disputes.find(id);
    const role = dispute && roleOf(dispute, caller);
    if (!dispute || !role) throw disputeNotFound(id);
    annotate({ 'dispute.id': dispute.id, 'payment.id': dispute.paymentId });
    return { dispute, role };
  }
}
