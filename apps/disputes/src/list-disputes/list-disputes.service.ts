import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { decodeCursor, page } from '@app/platform';
import { toDisputeView } from '../dispute.view';
import { DisputesRepository } from '../disputes.repository';
import { ListDisputesQueryDto } from './list-disputes.dto';

@Injectable()
export class ListDisputesService {
  constructor(private readonly disputes: DisputesRepository) {}

  /**
   * Newest first, keyset-paged on (created_at, id): pages neither skip nor repeat while disputes
   * are opened. A user sees the disputes of payments they are the payer's or the payee's user of;
   * an operator sees every dispute.
   */
  async list({ status, limit, cursor }: ListDisputesQueryDto, caller: Caller) {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const rows = await this.disputes.list({ status, after, limit: limit + 1, partyUserId: caller.isOperator ? undefined : caller.userId });
    const result = page(rows, limit, (d) => ({ createdAt: d.createdAt.toISOString(), id: d.id }));
    return { data: result.data.map(toDisputeView), nextCursor: result.nextCursor };
  }
}
