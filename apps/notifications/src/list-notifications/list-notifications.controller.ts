import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { ListNotificationsQueryDto } from './list-notifications.dto';
import { ListNotificationsService } from './list-notifications.service';

@ApiTags('notifications')
@Controller('v1/notifications')
export class ListNotificationsController {
  constructor(private readonly notifications: ListNotificationsService) {}

  /**
   * Notifications, newest first, optionally to one recipient VPA: a user's own (404 `VPA.NOT_FOUND`
   * for a VPA they have none to), any for an operator.
   */
  @Get()
  list(@Query() query: ListNotificationsQueryDto, @CurrentUser() caller: Caller) {
    return this.notifications.list(query, caller);
  }
}
