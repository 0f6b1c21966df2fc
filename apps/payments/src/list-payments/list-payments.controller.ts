import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PaymentPageDto } from '../payment.view';
import { ListPaymentsQueryDto } from './list-payments.dto';
import { ListPaymentsService } from './list-payments.service';

@ApiTags('payments')
@Controller('v1/payments')
export class ListPaymentsController {
  constructor(private readonly payments: ListPaymentsService) {}

  /** Payments, newest first, optionally of one VPA (as payer or payee) and in one status. */
  @Get()
  @ApiOkResponse({ type: PaymentPageDto })
  @ApiBadRequestResponse({ description: 'a malformed query parameter, named in the message' })
  list(@Query() query: ListPaymentsQueryDto) {
    return this.payments.list(query);
  }
}
