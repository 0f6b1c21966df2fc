import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { notFound } from '@app/platform';
import { Assessment } from '../assessment.entity';

const PaymentId = z.uuid();

@Injectable()
export class GetAssessmentService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The verdict on one payment; a malformed id cannot have one, so it is a 404 like an unknown one. */
  async get(paymentId: string) {
    const assessment = PaymentId.safeParse(paymentId).success
      ? await this.dataSource.getRepository(Assessment).findOneBy({ paymentId })
      : null;
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
