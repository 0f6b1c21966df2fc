import { FraudReason } from '@app/contracts';
import { FraudDecision } from './assess-payment/fraud-rules';

/** The verdict on one payment, given once: a redelivery finds it and changes nothing. */
export interface Assessment {
  paymentId: string;
  decision: FraudDecision;
  score: number;
  reasons: FraudReason[];
  assessedAt: Date;
}
