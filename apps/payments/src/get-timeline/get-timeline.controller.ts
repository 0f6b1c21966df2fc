import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { GetTimelineService } from './get-timeline.service';
import { PaymentTimelineDto } from './timeline.view';

@ApiTags('payments')
@Controller('v1/payments')
export class GetTimelineController {
  constructor(private readonly timelines: GetTimelineService) {}

  /** The steps a payment went through in every service, in order, with its trace id and a link to the trace. */
  @Get(':id/timeline')
  @ApiOkResponse({ type: PaymentTimelineDto })
  @ApiNotFoundResponse({ description: 'no payment with this id (code PAYMENT.NOT_FOUND)' })
  timeline(@Param('id') id: string) {
    return this.timelines.timelineOf(id);
  }
}
