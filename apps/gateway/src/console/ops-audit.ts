import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, OnApplicationShutdown } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Kafka, Producer } from 'kafkajs';
import { Observable } from 'rxjs';
import { createEvent, EventCatalog } from '@app/contracts';
import { AuthenticatedRequest } from '@app/auth';
import { SERVICE_CONFIG, ServiceConfig } from '@app/platform';
import { CONSOLE_KAFKA } from './console.tokens';

/**
 * The audit of the console's routes, as the services' OperatorAuditInterceptor does it: once the
 * answer is sent, an `OperatorActed` event (who, which route, which resource, the status, from
 * where, when) for the users service's audit log. The gateway has no outbox, so the event is
 * published directly (idempotent producer, all replicas); a failure is logged, never the request's.
 */
@Injectable()
export class OpsAuditInterceptor implements NestInterceptor, OnApplicationShutdown {
  private readonly logger = new Logger(OpsAuditInterceptor.name);
  private producer?: Promise<Producer>;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(CONSOLE_KAFKA) private readonly kafka: Kafka,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = request.caller;
    if (caller?.isOperator) {
      const reply = context.switchToHttp().getResponse<FastifyReply>();
      const action = `${request.method} ${request.routeOptions.url ?? request.url}`;
      reply.raw.once('finish', () => void this.record(caller.userId, action, request.url, reply.statusCode, request.ip));
    }
    return next.handle();
  }

  async onApplicationShutdown(): Promise<void> {
    await (await this.producer?.catch(() => undefined))?.disconnect();
  }

  private connected(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })();
    this.producer.catch(() => (this.producer = undefined)); // the next record tries again
    return this.producer;
  }

  private async record(operatorId: string, action: string, resource: string, status: number, origin: string | undefined): Promise<void> {
    const payload = { service: this.config.service, action, resource, status, origin: origin ?? null, actedAt: new Date().toISOString() };
    const event = createEvent('OperatorActed', operatorId, payload, this.config.service);
    try {
      await (
        await this.connected()
      ).send({
        topic: `${this.config.kafka.topicPrefix}${EventCatalog.OperatorActed.topic}`,
        acks: -1,
        messages: [{ key: operatorId, value: JSON.stringify(event), headers: { 'event-type': event.type } }],
      });
    } catch (error) {
      this.logger.error(`the audit record of ${action} by operator ${operatorId} could not be written: ${(error as Error).message}`);
    }
  }
}
