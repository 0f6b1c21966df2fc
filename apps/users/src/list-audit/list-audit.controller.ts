import { Controller, Get, Ip, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentUser, OPERATOR, Roles } from '@app/auth';
import { ListAuditQueryDto } from './list-audit.dto';
import { ListAuditService } from './list-audit.service';

@ApiTags('users')
@Controller('v1/users/audit')
export class ListAuditController {
  constructor(private readonly audit: ListAuditService) {}

  /** The audit trail, newest first: who did what, when, with what result, from where, on what. Operators only. */
  @Get()
  @Roles(OPERATOR)
  @ApiOkResponse({ description: '{ data: [{ id, at, actor, action, resource, result, origin, detail }], nextCursor }' })
  @ApiForbiddenResponse({ description: 'the caller is not an operator (code AUTH.FORBIDDEN)' })
  list(@CurrentUser() caller: Caller, @Query() query: ListAuditQueryDto, @Ip() origin: string) {
    return this.audit.list(caller, query, origin);
  }
}
