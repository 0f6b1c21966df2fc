import { Injectable } from '@nestjs/common';
import { normalizeVpa, PayloadOf } from '@app/contracts';
import { EntityManager } from 'typeorm';

@Injectable()
export class KnownPayeesService {
  /** Remembers that this payer has paid this payee successfully; later successes change nothing. */
  async record(tx: EntityManager, payment: PayloadOf<'PaymentSucceeded'>): Promise<void> {
    await tx.query(
      `INSERT INTO known_payees (payer_vpa, payee_vpa, first_paid_at) VALUES ($1, $2, $3)
       ON CONFLICT (payer_vpa, payee_vpa) DO NOTHING`,
      [normalizeVpa(payment.payerVpa), normalizeVpa(payment.payeeVpa), payment.completedAt],
    );
  }
}
