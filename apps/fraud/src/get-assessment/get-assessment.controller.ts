import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OPERATOR, Roles } from '@app/auth';
import { GetAssessmentService } from './get-assessment.service';

@ApiTags('fraud')
@Controller('v1/fraud/assessments')
export class GetAssessmentController {
  constructor(private readonly assessments: GetAssessmentService) {}

  /** The fraud verdict on a payment: 404 until it has been assessed. Operators only. */
  @Roles(OPERATOR)
  @Get(':paymentId')
  get(@Param('paymentId') paymentId: string) {
    return this.assessments.get(paymentId);
  }
}
