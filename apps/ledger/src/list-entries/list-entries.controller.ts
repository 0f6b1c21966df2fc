import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { VpaParamDto } from '../vpa-param.dto';
import { ListEntriesQueryDto } from './list-entries.dto';
import { ListEntriesService } from './list-entries.service';

@ApiTags('ledger')
@Controller('v1/ledger/accounts')
export class ListEntriesController {
  constructor(private readonly entries: ListEntriesService) {}

  /** An account's statement, newest first. Its user or an operator. */
  @Get(':vpa/entries')
  list(@Param() { vpa }: VpaParamDto, @Query() query: ListEntriesQueryDto, @CurrentUser() caller: Caller) {
    return this.entries.list(vpa, query, caller);
  }
}
