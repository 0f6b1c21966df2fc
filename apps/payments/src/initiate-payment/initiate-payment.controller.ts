import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiTags } from '@nestjs/swagger';
import { PaymentResourceDto } from '../payment.view';
import { InitiatePaymentDto } from './initiate-payment.dto';
import { InitiatePaymentService } from './initiate-payment.service';

@ApiTags('payments')
@Controller('v1/payments')
export class InitiatePaymentController {
  constructor(private readonly payments: InitiatePaymentService) {}

  /** Initiates a payment. It is accepted as PENDING; its outcome is decided asynchronously. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: PaymentResourceDto, description: 'the payment, status PENDING' })
  @ApiBadRequestResponse({ description: 'a malformed body; the message names every offending field' })
  initiate(@Body() body: InitiatePaymentDto) {
    return this.payments.initiate(body);
  }
}
