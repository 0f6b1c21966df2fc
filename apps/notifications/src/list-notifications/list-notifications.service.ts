import { Injectable } from '@nestjs/common';
import { decodeCursor, page } from '@app/platform';
import { Notification } from '../notification';
import { NotificationsRepository } from '../notifications.repository';
import { ListNotificationsQueryDto } from './list-notifications.dto';

@Injectable()
export class ListNotificationsService {
  constructor(private readonly notifications: NotificationsRepository) {}

  /** Newest first, keyset-paged on (created_at, id) so pages neither skip nor repeat. */
  async list({ vpa, limit, cursor }: ListNotificationsQueryDto) {
    // One more than a page: whether there is a next page, without counting.
    const rows = await this.notifications.list({ vpa, after: cursor ? decodeCursor(cursor) : undefined, limit: limit + 1 });
    const result = page(rows, limit, (n) => ({ createdAt: n.createdAt.toISOString(), id: n.id }));
    return { data: result.data.map(toView), nextCursor: result.nextCursor };
  }
}

function toView(n: Notification) {
  return {
    id: n.id,
    paymentId: n.paymentId,
    recipientVpa: n.recipientVpa,
    type: n.type,
    message: n.message,
    createdAt: n.createdAt.toISOString(),
  };
}
