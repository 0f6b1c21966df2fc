import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { ListNotificationsQueryDto } from './list-notifications.dto';
import { ListNotificationsService } from './list-notifications.service';

@ApiTags('notifications')
@Controller('v1/notifications')
export class ListNotificationsController {
  constructor(private readonly notifications: ListNotificationsService) {}

  /**
   * Notifications, newest first, optionally to one recipient VPA and of one type: a user's own
   * (404 `VPA.NOT_FOUND` for a VPA they have none to), any for an operator, the operators' own
   * (`recipientVpa` null, e.g. `type=DISPUTE_ESCALATED`) included. `refundId` / `disputeId` name
   * the refund or dispute a notification is about (null for a payment's own).
   */
  @ApiOkResponse({
    description:
      '{ data: [{ id, paymentId, refundId, disputeId, recipientVpa, type, message, createdAt }], nextCursor }, newest first; ' +
      'recipientVpa null: a notification to no VPA (for operators, or a failed refund told to whoever asked for it)',
  })
  @ApiNotFoundResponse({ description: 'a user with no notification of theirs to vpa (code VPA.NOT_FOUND)' })
  @Get()
  list(@Query() query: ListNotificationsQueryDto, @CurrentUser() caller: Caller) {
    return this.notifications.list(query, caller);
  }
}
