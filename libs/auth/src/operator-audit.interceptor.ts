import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable } from 'rxjs';
import { createEvent } from '@app/contracts';
import { Outbox, UnitOfWork } from '@app/messaging';
import { SERVICE_CONFIG, ServiceConfig } from '@app/platform';
import { AuthenticatedRequest } from './decorators';

/**
 * Every request an operator makes is audited: once its answer is sent, an `OperatorActed` event
 * (who, which route, which resource, the status, from where, when) goes through the outbox to the
 * users service's append-only audit log. Nothing of the request's body, and no token, is kept.
 */
@Injectable()
export class OperatorAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(OperatorAuditInterceptor.name);

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = request.caller;
    if (caller?.isOperator) {
      const reply = context.switchToHttp().getResponse<FastifyReply>();
      const action = `${request.method} ${request.routeOptions.url ?? request.url}`;
      reply.raw.once('finish', () => void this.record(caller.userId, action, request.url, reply.statusCode, request.ip));
    }
    return next.handle();
  }

  private async record(operatorId: string, action: string, resource: string, status: number, origin: string | undefined): Promise<void> {
    const payload = { service: this.config.service, action, resource, status, origin: origin ?? null, actedAt: new Date().toISOString() };
    try {
      await this.unitOfWork.run(() => this.outbox.add([createEvent('OperatorActed', operatorId, payload, this.config.service)]));
    } catch (error) {
      this.logger.error(`the audit record of ${action} by operator ${operatorId} could not be written: ${(error as Error).message}`);
    }
  }
}
