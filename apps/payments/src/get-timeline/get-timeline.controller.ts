import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { GetTimelineService } from './get-timeline.service';
import { PaymentTimelineDto } from './timeline.view';

@ApiTags('payments')
@Controller('v1/payments')
export class GetTimelineController {
  constructor(private readonly timelines: GetTimelineService) {}

  /** The steps a payment went through in every service, in order, with its trace id and a link to the trace. */
  @Get(':id/timeline')
  @ApiOkResponse({ type: PaymentTimelineDto })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  @ApiNotFoundResponse({ description: 'no payment with this id that the caller may see (code PAYMENT.NOT_FOUND)' })
  timeline(@Param('id') id: string, @CurrentUser() caller: Caller) {
    return this.timelines.timelineOf(id, caller);
  }
}
