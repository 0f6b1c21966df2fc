import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Caller } from './caller';

export const ROLES = 'auth:roles';

/** Only callers holding one of these roles may use the route; others get `403 AUTH.FORBIDDEN`. */
export const Roles = (...roles: string[]) => SetMetadata(ROLES, roles);

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/** The verified caller of the request (set by the guard; routes marked `@Public()` have none). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('@CurrentUser() on a route without a verified caller (is it @Public()?)');
  return caller;
});
