import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PaymentResourceDto } from '../payment.view';
import { GetPaymentService } from './get-payment.service';

@ApiTags('payments')
@Controller('v1/payments')
export class GetPaymentController {
  constructor(private readonly payments: GetPaymentService) {}

  /** One payment, with its status, fraud assessment and timestamps. */
  @Get(':id')
  @ApiOkResponse({ type: PaymentResourceDto })
  @ApiNotFoundResponse({ description: 'no payment with this id (code PAYMENT.NOT_FOUND)' })
  get(@Param('id') id: string) {
    return this.payments.get(id);
  }
}
