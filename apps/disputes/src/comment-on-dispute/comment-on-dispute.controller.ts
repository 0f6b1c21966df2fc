import { Body, Controller, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { CommentResourceDto, CommentView } from '../dispute.view';
import { CommentDto } from './comment-on-dispute.dto';
import { CommentOnDisputeService } from './comment-on-dispute.service';

@ApiTags('disputes')
@Controller('v1/disputes')
export class CommentOnDisputeController {
  constructor(private readonly disputes: CommentOnDisputeService) {}

  /** Comments on a dispute that is not final: its payer's or payee's user, or an operator. The other parties are notified. */
  @Post(':id/comments')
  @ApiCreatedResponse({ type: CommentResourceDto, description: 'the comment, with the role its author spoke as' })
  @ApiBadRequestResponse({ description: 'a malformed body; the message names every offending field' })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  @ApiNotFoundResponse({ description: 'no dispute with this id that the caller may see (code DISPUTE.NOT_FOUND)' })
  @ApiConflictResponse({ description: 'the dispute is final: resolved or withdrawn (code DISPUTE.FINAL)' })
  comment(@Param('id') id: string, @Body() body: CommentDto, @CurrentUser() caller: Caller): Promise<CommentView> {
    return this.disputes.comment(id, body, caller);
  }
}
