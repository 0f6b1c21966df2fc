import { Injectable } from '@nestjs/common';
import { decodeCursor, page } from '@app/platform';
import { toPaymentView } from '../payment.view';
import { PaymentsRepository } from '../payments.repository';
import { ListPaymentsQueryDto } from './list-payments.dto';

@Injectable()
export class ListPaymentsService {
  constructor(private readonly payments: PaymentsRepository) {}

  /** Newest first, keyset-paged on (created_at, id): pages neither skip nor repeat, even while payments arrive. */
  async list({ vpa, status, limit, cursor }: ListPaymentsQueryDto) {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const rows = await this.payments.list({ vpa, status, after, limit: limit + 1 });
    const result = page(rows, limit, (p) => ({ createdAt: p.createdAt.toISOString(), id: p.id }));
    return { data: result.data.map(toPaymentView), nextCursor: result.nextCursor };
  }
}
