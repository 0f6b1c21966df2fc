import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { PaymentPageDto } from '../payment.view';
import { ListPaymentsQueryDto } from './list-payments.dto';
import { ListPaymentsService } from './list-payments.service';

@ApiTags('payments')
@Controller('v1/payments')
export class ListPaymentsController {
  constructor(private readonly payments: ListPaymentsService) {}

  /**
   * Payments, newest first, optionally of one VPA (as payer or payee) and in one status. A user sees
   * the payments they are the payer's or the payee's user of (with `vpa`: one of their VPAs, those
   * made with it); an operator sees every payment.
   */
  @Get()
  @ApiOkResponse({ type: PaymentPageDto })
  @ApiBadRequestResponse({ description: 'a malformed query parameter, named in the message' })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  @ApiNotFoundResponse({ description: "vpa is not one of the caller's linked VPAs (code VPA.NOT_FOUND); not for operators" })
  list(@Query() query: ListPaymentsQueryDto, @CurrentUser() caller: Caller) {
    return this.payments.list(query, caller);
  }
}
