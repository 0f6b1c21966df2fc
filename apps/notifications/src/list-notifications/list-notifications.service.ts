import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, page } from '@app/platform';
import { Notification } from '../notification.entity';
import { ListNotificationsQueryDto } from './list-notifications.dto';

@Injectable()
export class ListNotificationsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first, keyset-paged on (created_at, id) so pages neither skip nor repeat. */
  async list({ vpa, limit, cursor }: ListNotificationsQueryDto) {
    const query = this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .orderBy('n.created_at', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(limit + 1);
    if (vpa) query.andWhere('n.recipient_vpa = :vpa', { vpa });
    if (cursor) {
      const after = decodeCursor(cursor);
      query.andWhere('(n.created_at, n.id) < (:createdAt, :id)', after);
    }
    const rows = await query.getMany();
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
