import { Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Kafka } from 'kafkajs';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { AuthGuard, OPERATOR, Roles } from '@app/auth';
import { isServiceName } from '@app/contracts';
import { DeadLetterRow, listDeadLetters, parseDeadLetterId, ReplayedDeadLetter, replayDeadLetters } from '@app/messaging';
import { DomainError, notFound, SERVICE_CONFIG, ServiceConfig } from '@app/platform';
import { CONSOLE_KAFKA } from './console.tokens';
import { StillRegistered } from './ops-access';
import { OpsAuditInterceptor } from './ops-audit';

const SERVICE = z.string().refine(isServiceName, 'must be a service name such as fraud');

class ListQuery extends createZodDto(z.object({ service: SERVICE.optional() }).strict()) {}

class ReplayParams extends createZodDto(
  z.object({
    id: z
      .string()
      .refine((id) => !('error' in parseDeadLetterId(id)), 'must be a dead-letter id <service>:<partition>:<offset>, e.g. fraud:0:12'),
  }),
) {}

/**
 * The dead letters of every consuming service, as the dlq tool shows and replays them (the same
 * code, libs/messaging). A replay republishes the original message, event id included, to its
 * topic: a consumer that applied it already skips it by that id, so a second replay is harmless.
 */
@ApiTags('console')
@Controller('v1/ops/dead-letters')
@UseGuards(AuthGuard, StillRegistered)
@UseInterceptors(OpsAuditInterceptor)
@Roles(OPERATOR)
export class DeadLettersController {
  constructor(
    @Inject(CONSOLE_KAFKA) private readonly kafka: Kafka,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: "Every dead letter (of one service), oldest first per service's topic" })
  async list(@Query() { service }: ListQuery): Promise<{ data: DeadLetterRow[] }> {
    return { data: await listDeadLetters(this.kafka, this.config.kafka.topicPrefix, service) };
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Republishes a dead letter to the topic it came from, with its original headers' })
  async replay(@Param() { id }: ReplayParams): Promise<{ replayed: ReplayedDeadLetter[] }> {
    const target = parseDeadLetterId(id);
    if ('error' in target) throw notFound('DEAD_LETTERS.NOT_FOUND', target.error); // the DTO refused it already
    const result = await replayDeadLetters(this.kafka, this.config.kafka.topicPrefix, target);
    if (!result) throw notFound('DEAD_LETTERS.NOT_FOUND', `no dead letter ${id}`);
    if (result.unreplayable.length > 0) {
      throw new DomainError(
        'DEAD_LETTERS.NO_ORIGIN',
        `dead letter ${id} has no dlq-origin-topic header: there is nowhere to replay it`,
        'UNPROCESSABLE',
      );
    }
    return { replayed: result.replayed };
  }
}
