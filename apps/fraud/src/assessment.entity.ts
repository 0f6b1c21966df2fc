import { FraudReason } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { FraudDecision } from './assess-payment/fraud-rules';

@Entity('assessments')
export class Assessment {
  @PrimaryColumn('uuid', { name: 'payment_id' })
  paymentId: string;

  @Column('text')
  decision: FraudDecision;

  @Column('integer')
  score: number;

  @Column('jsonb')
  reasons: FraudReason[];

  @Column('timestamptz', { name: 'assessed_at' })
  assessedAt: Date;
}
