import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { decodeCursor, notFound, page } from '@app/platform';
import { toPaymentView } from '../payment.view';
import { PaymentFilter, PaymentsRepository } from '../payments.repository';
import { VpaHoldersRepository } from '../vpa-holders.repository';
import { ListPaymentsQueryDto } from './list-payments.dto';

@Injectable()
export class ListPaymentsService {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly vpaHolders: VpaHoldersRepository,
  ) {}

  /**
   * Newest first, keyset-paged on (created_at, id): pages neither skip nor repeat, even while payments
   * arrive. An operator sees any VPA's payments, or all; a user sees the payments they are a party
   * to, and with `vpa` (one they hold now, else 404) those of theirs made with it.
   */
  async list({ vpa, status, limit, cursor }: ListPaymentsQueryDto, caller: Caller) {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const filter: PaymentFilter = { vpa, status, after, limit: limit + 1 };
    if (!caller.isOperator) {
      if (vpa && (await this.vpaHolders.holdersOf([vpa])).get(vpa) !== caller.userId) {
        throw notFound('VPA.NOT_FOUND', `${vpa} is not one of your linked VPAs`);
      }
      filter.partyUserId = caller.userId;
    }
    const rows = await this.payments.list(filter);
    const result = page(rows, limit, (p) => ({ createdAt: p.createdAt.toISOString(), id: p.id }));
    return { data: result.data.map(toPaymentView), nextCursor: result.nextCursor };
  }
}
