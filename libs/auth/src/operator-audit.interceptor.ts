import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable } from 'rxjs';
import { createEvent, DomainEvent } from '@app/contracts';
import { Outbox, UnitOfWork } from '@app/messaging';
import { SERVICE_CONFIG, ServiceConfig } from '@app/platform';
import { AuthenticatedRequest } from './decorators';

/**
 * Every request an operator makes is audited: once its answer is sent, an `OperatorActed` event
 * (who, which route, which resource, the status, from where, when) for the users service's
 * append-only audit log. Nothing of the request's body, and no token, is kept. How the event is
 * written is the subclass's; a failure to write it is logged, never the request's.
 */
export abstract class OperatorAudit implements NestInterceptor {
  private readonly logger = new Logger(OperatorAudit.name);

  protected constructor(protected readonly config: ServiceConfig) {}

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

  /** Writes the event durably (or throws). */
  protected abstract write(event: DomainEvent<'OperatorActed'>): Promise<void>;

  private async record(operatorId: string, action: string, resource: string, status: number, origin: string | undefined): Promise<void> {
    const payload = { service: this.config.service, action, resource, status, origin: origin ?? null, actedAt: new Date().toISOString() };
    try {
      await this.write(createEvent('OperatorActed', operatorId, payload, this.config.service));
    } catch (error) {
      this.logger.error(`the audit record of ${action} by operator ${operatorId} could not be written: ${(error as Error).message}`);
    }
  }
}

/** The services' audit: the event goes through the outbox, in a unit of work of its own. */
@Injectable()
export class OperatorAuditInterceptor extends OperatorAudit {
  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
  ) {
    super(config);
  }

  protected write(event: DomainEvent<'OperatorActed'>): Promise<void> {
    return this.unitOfWork.run(() => this.outbox.add([event]));
  }
}
