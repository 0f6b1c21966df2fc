import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller } from '@app/auth';
import { Outbox, UnitOfWork } from '@app/messaging';
import { conflict } from '@app/platform';
import { DisputeComment } from '../dispute';
import { DisputeAccess } from '../dispute-access';
import { DisputeCommentsRepository } from '../dispute-comments.repository';
import { disputeCommented } from '../dispute-events';
import { isFinal } from '../dispute-status';
import { CommentView, toCommentView } from '../dispute.view';
import { CommentDto } from './comment-on-dispute.dto';

@Injectable()
export class CommentOnDisputeService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly access: DisputeAccess,
    private readonly comments: DisputeCommentsRepository,
  ) {}

  /**
   * Adds a party's or an operator's comment to a dispute that is not final (409 DISPUTE.FINAL
   * otherwise), with its DisputeCommented (the other parties are told). The dispute is locked
   * for share: no change of status commits between the check and the comment.
   */
  comment(id: string, { text }: CommentDto, caller: Caller): Promise<CommentView> {
    return this.unitOfWork.run(async () => {
      const { dispute, role } = await this.access.visible(id, caller, 'share');
      if (isFinal(dispute.status)) {
        throw conflict('DISPUTE.FINAL', `the dispute is ${dispute.status}: it takes no more comments`, { status: dispute.status });
      }
      const comment: DisputeComment = {
        id: randomUUID(),
        disputeId: dispute.id,
        authorUserId: caller.userId,
        authorRole: role,
        text,
        createdAt: new Date(),
      };
      await this.comments.add(comment);
      await this.outbox.add([disputeCommented(dispute, comment)]);
      return toCommentView(comment);
    });
  }
}
