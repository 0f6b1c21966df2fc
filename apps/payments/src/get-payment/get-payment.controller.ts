import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { PaymentResourceDto } from '../payment.view';
import { GetPaymentService } from './get-payment.service';

@ApiTags('payments')
@Controller('v1/payments')
export class GetPaymentController {
  constructor(private readonly payments: GetPaymentService) {}

  /** One payment, with its status, fraud assessment and timestamps: for its payer's and its payee's user, and operators. */
  @Get(':id')
  @ApiOkResponse({ type: PaymentResourceDto })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  @ApiNotFoundResponse({ description: 'no payment with this id that the caller may see (code PAYMENT.NOT_FOUND)' })
  get(@Param('id') id: string, @CurrentUser() caller: Caller) {
    return this.payments.get(id, caller);
  }
}
