import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { decodeCursor, notFound, page } from '@app/platform';
import { Notification } from '../notification';
import { NotificationsRepository } from '../notifications.repository';
import { ListNotificationsQueryDto } from './list-notifications.dto';

@Injectable()
export class ListNotificationsService {
  constructor(private readonly notifications: NotificationsRepository) {}

  /**
   * Newest first, keyset-paged on (created_at, id) so pages neither skip nor repeat; `type` narrows
   * to one type. An operator sees every notification: without `vpa` those to no VPA too (the
   * operators' own, such as an escalated dispute, and a failed refund told to the operator who
   * asked for it), found with `type`; with `vpa` those to that VPA. A user sees only theirs
   * (`recipient_user_id`): without `vpa` all of them, a failed refund they asked for that is told to
   * no VPA included; with `vpa` only theirs to it. No user sees the operators' notifications (they
   * are no one's). A user with none to `vpa` gets a 404 whether or not the VPA is theirs: this
   * service knows no VPA's holder but the one an event named, so it says no more than "none of yours".
   */
  async list({ vpa, type, limit, cursor }: ListNotificationsQueryDto, caller: Caller) {
    const recipientUserId = caller.isOperator ? null : caller.userId;
    const after = cursor ? decodeCursor(cursor) : undefined;
    // One more than a page: whether there is a next page, without counting.
    const rows = await this.notifications.list({ vpa, type, recipientUserId, after, limit: limit + 1 });
    if (vpa && recipientUserId !== null && rows.length === 0 && !(await this.notifications.anyTo(recipientUserId, vpa))) {
      throw notFound('VPA.NOT_FOUND', `no notifications of yours to ${vpa}`);
    }
    const result = page(rows, limit, (n) => ({ createdAt: n.createdAt.toISOString(), id: n.id }));
    return { data: result.data.map(toView), nextCursor: result.nextCursor };
  }
}

function toView(n: Notification) {
  return {
    id: n.id,
    paymentId: n.paymentId,
    refundId: n.refundId,
    disputeId: n.disputeId,
    recipientVpa: n.recipientVpa,
    type: n.type,
    message: n.message,
    createdAt: n.createdAt.toISOString(),
  };
}
