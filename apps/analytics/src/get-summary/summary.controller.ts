import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OPERATOR, Roles } from '@app/auth';
import { SummaryQueryDto } from './summary.dto';
import { SummaryService } from './summary.service';

@ApiTags('analytics')
@Controller('v1/analytics')
export class SummaryController {
  constructor(private readonly summaries: SummaryService) {}

  /** Counts, failures by reason, succeeded volume and latency percentiles of the payments created in [from, to). Operators only. */
  @Roles(OPERATOR)
  @Get('summary')
  summary(@Query() query: SummaryQueryDto) {
    return this.summaries.summary(query);
  }
}
