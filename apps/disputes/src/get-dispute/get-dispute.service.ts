import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { Database } from '@app/platform';
import { DisputeAccess } from '../dispute-access';
import { DisputeCommentsRepository } from '../dispute-comments.repository';
import { DisputeHistoryRepository } from '../dispute-history.repository';
import { DisputeDetailView, toDetailView } from '../dispute.view';

@Injectable()
export class GetDisputeService {
  constructor(
    private readonly db: Database,
    private readonly access: DisputeAccess,
    private readonly history: DisputeHistoryRepository,
    private readonly comments: DisputeCommentsRepository,
  ) {}

  /** A dispute with its history and comments, read in one snapshot: the status and the history agree. */
  get(id: string, caller: Caller): Promise<DisputeDetailView> {
    return this.db.transaction(async () => {
      await this.db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const { dispute } = await this.access.visible(id, caller);
      return toDetailView(dispute, await this.history.of(dispute.id), await this.comments.of(dispute.id));
    });
  }
}
