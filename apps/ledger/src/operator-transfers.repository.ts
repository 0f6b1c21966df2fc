import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { TransferKind } from './transfer-funds/transfer-decision';

export interface OperatorTransfer {
  id: string;
  vpa: string;
  kind: TransferKind;
  amountPaise: number;
  reference: string;
  entryId: string;
  operatorId: string;
}

/** The operator_transfers table: deposits and withdrawals, one per (account, reference). */
@Injectable()
export class OperatorTransfersRepository {
  constructor(private readonly db: Database) {}

  async find(vpa: string, reference: string): Promise<OperatorTransfer | null> {
    const [row] = await this.db.query<{ id: string; kind: TransferKind; amount_paise: string; entry_id: string; operator_id: string }>(
      'SELECT id, kind, amount_paise, entry_id, operator_id FROM operator_transfers WHERE vpa = $1 AND reference = $2',
      [vpa, reference],
    );
    return row
      ? {
          id: row.id,
          vpa,
          kind: row.kind,
          amountPaise: Number(row.amount_paise),
          reference,
          entryId: String(row.entry_id),
          operatorId: row.operator_id,
        }
      : null;
  }

  async insert(t: OperatorTransfer): Promise<void> {
    await this.db.query(
      'INSERT INTO operator_transfers (id, vpa, kind, amount_paise, reference, entry_id, operator_id) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [t.id, t.vpa, t.kind, t.amountPaise, t.reference, t.entryId, t.operatorId],
    );
  }
}
