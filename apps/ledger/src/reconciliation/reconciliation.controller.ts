import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OPERATOR, Roles } from '@app/auth';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('ledger')
@Controller('v1/ledger/reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  /** The ledger's invariants checked now: conservation, nothing negative, holds adding up. Operators only. */
  @Roles(OPERATOR)
  @Get()
  check() {
    return this.reconciliation.check();
  }
}
