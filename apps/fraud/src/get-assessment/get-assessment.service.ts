import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { notFound } from '@app/platform';
import { AssessmentsRepository } from '../assessments.repository';

const PaymentId = z.uuid();

@Injectable()
export class GetAssessmentService {
  constructor(private readonly assessments: AssessmentsRepository) {}

  /** The verdict on one payment; a malformed id cannot have one, so it is a 404 like an unknown one. */
  async get(paymentId: string) {
    const assessment = PaymentId.safeParse(paymentId).success ? await this.assessments.find(paymentId) : null;
    if (!assessment) throw notFound('ASSESSMENT.NOT_FOUND', `no fraud assessment for payment ${paymentId}`);
    return {
      paymentId: assessment.paymentId,
      decision: assessment.decision,
      score: assessment.score,
      reasons: assessment.reasons,
      assessedAt: assessment.assessedAt.toISOString(),
    };
  }
}
