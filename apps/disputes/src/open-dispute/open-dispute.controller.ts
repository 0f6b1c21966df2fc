import { Body, Controller, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { DisputeResourceDto, DisputeView } from '../dispute.view';
import { OpenDisputeDto } from './open-dispute.dto';
import { OpenDisputeService } from './open-dispute.service';

@ApiTags('disputes')
@Controller('v1/disputes')
export class OpenDisputeController {
  constructor(private readonly disputes: OpenDisputeService) {}

  /** Opens a dispute of a payment the caller paid: OPEN, until an operator reviews and resolves it or the payer withdraws it. */
  @Post()
  @ApiCreatedResponse({ type: DisputeResourceDto, description: 'the dispute, OPEN' })
  @ApiBadRequestResponse({ description: 'a malformed body; the message names every offending field' })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  @ApiNotFoundResponse({ description: 'no payment with this id that the caller may see (code PAYMENT.NOT_FOUND)' })
  @ApiForbiddenResponse({
    description: "the caller sees the payment but is not its payer's user: its payee, or an operator (code DISPUTE.NOT_PAYER)",
  })
  @ApiConflictResponse({ description: 'the payment has a dispute that is not final (code DISPUTE.ALREADY_OPEN)' })
  @ApiUnprocessableEntityResponse({
    description:
      'the payment is not SUCCEEDED (code PAYMENT.NOT_SUCCEEDED), completed more than DISPUTE_WINDOW_D days ago ' +
      '(code DISPUTE.WINDOW_CLOSED), or the amount passes what is not yet refunded (code DISPUTE.EXCEEDS_REFUNDABLE, with `refundable`)',
  })
  open(@Body() body: OpenDisputeDto, @CurrentUser() caller: Caller): Promise<DisputeView> {
    return this.disputes.open(body, caller);
  }
}
