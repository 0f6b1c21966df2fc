import { Controller, Get, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OPERATOR, Roles } from '@app/auth';
import { SummaryQueryDto } from './summary.dto';
import { SummaryService } from './summary.service';

/** What the window means, for the OpenAPI document and for readers of this file. */
export const SUMMARY_WINDOW =
  'from (inclusive) and to (exclusive), both optional, are on the creation time of the payment: every count is about the payments ' +
  'created in the window, their refunds and disputes included (counted by their payment’s creation time, not by when they were asked for).';

@ApiTags('analytics')
@Controller('v1/analytics')
export class SummaryController {
  constructor(private readonly summaries: SummaryService) {}

  /**
   * Counts, failures by reason, succeeded volume and latency percentiles of the payments created in
   * [from, to), and the counts and refunded volume of those payments' refunds and the counts of their
   * disputes: a refund or dispute falls in the window of its payment's creation time, as everything
   * else in the summary does. Each payment, refund and dispute is counted once. Operators only.
   */
  @Roles(OPERATOR)
  @Get('summary')
  @ApiOperation({ summary: 'The payment lifecycle in a window of creation times', description: SUMMARY_WINDOW })
  @ApiOkResponse({
    description:
      '{ initiated, succeeded, failed, pending, failuresByReason: { REASON: n }, succeededVolume: "0.00", latencyMs: { p50, p95, p99 }, ' +
      'refunds: { requested, succeeded, failed, pending, refundedVolume: "0.00" }, ' +
      'disputes: { opened, resolvedForPayer, resolvedForPayee, withdrawn, pending } }; ' +
      'each payment, refund and dispute counted once whatever is redelivered: initiated = succeeded + failed + pending, ' +
      'refunds.requested = succeeded + failed + pending, disputes.opened = resolvedForPayer + resolvedForPayee + withdrawn + pending; ' +
      'refundedVolume is the sum of the succeeded refunds. ' +
      SUMMARY_WINDOW,
  })
  @ApiForbiddenResponse({ description: 'the caller is not an operator (code AUTH.FORBIDDEN)' })
  summary(@Query() query: SummaryQueryDto) {
    return this.summaries.summary(query);
  }
}
