import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden, IS_PUBLIC } from '@app/platform';
import { annotate } from '@app/telemetry';
import { Caller } from './caller';
import { AuthenticatedRequest, ROLES } from './decorators';
import { RevokedUsersRepository } from './revocations';
import { TokenVerifier, tokenMissing } from './token-verifier';

/** How long a user is known not to be revoked before the table is asked again: "refused within seconds". */
const NOT_REVOKED_FOR_MS = 2000;
const MAX_REMEMBERED = 50_000;

/**
 * The global guard: every HTTP route needs a valid bearer token unless marked `@Public()`, and
 * `@Roles(...)` routes need a role as well. Events (context type `rpc`) pass: services trust each
 * other through the broker. The caller's user id goes on the request's span, never a phone or a name.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly notRevokedUntil = new Map<string, number>();

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly revoked: RevokedUsersRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = await this.authenticate(request.headers.authorization);
    request.caller = caller;
    annotate({ 'enduser.id': caller.userId, ...(caller.isOperator ? { 'enduser.role': 'operator' } : {}) });
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES, targets);
    if (roles && !roles.some((role) => caller.roles.includes(role))) {
      throw forbidden('AUTH.FORBIDDEN', `this needs the role ${roles.join(' or ')}`);
    }
    return true;
  }

  private async authenticate(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization ?? '');
    if (!match) throw tokenMissing();
    const caller = await this.verifier.verify(match[1]);
    if (await this.isRevoked(caller.userId)) throw this.verifier.revoked();
    return caller;
  }

  private async isRevoked(userId: string): Promise<boolean> {
    if ((this.notRevokedUntil.get(userId) ?? 0) > Date.now()) return false;
    const revoked = await this.revoked.isRevoked(userId);
    if (!revoked) {
      if (this.notRevokedUntil.size >= MAX_REMEMBERED) this.notRevokedUntil.clear();
      this.notRevokedUntil.set(userId, Date.now() + NOT_REVOKED_FOR_MS);
    }
    return revoked;
  }
}
