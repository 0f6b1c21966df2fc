// TEMPORARY stand-in for `@app/auth` (and the refusals it adds to `@app/platform`) until libs/auth
// lands on main; same names and shapes, replaced by those imports then.
import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { importJWK, jwtVerify } from 'jose';
import { TOKEN_SETTINGS, TokenSettings } from './config';
import { SIGNING_KEY, SigningKey } from './tokens/signing-key';

export const OPERATOR = 'operator';
export interface Caller {
  userId: string;
  roles: string[];
  isOperator: boolean;
}
const IS_PUBLIC = 'auth:public';
const ROLES_KEY = 'auth:roles';
export const Public = () => SetMetadata(IS_PUBLIC, true);
export const Roles = (...roles: string[]) => SetMetadata(ROLES_KEY, roles);
type AuthenticatedRequest = FastifyRequest & { caller?: Caller };
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('no caller');
  return caller;
});

const refusal = (status: number, code: string, message: string) => new HttpException({ statusCode: status, code, message }, status);
export const unauthenticated = (code: string, message: string, _headers: Record<string, string>) => refusal(401, code, message);
export const forbidden = (code: string, message: string) => refusal(403, code, message);
export const rateLimited = (code: string, message: string, retryAfterS: number) =>
  new HttpException({ statusCode: 429, code, message, retryAfterS }, 429);
export const BEARER_CHALLENGE = 'Bearer realm="upi-payments"';

@Injectable()
export class StubAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!token) throw unauthenticated('AUTH.TOKEN_MISSING', 'a bearer access token is required', {});
    try {
      const { payload } = await jwtVerify(token, await importJWK(this.key.publicJwk, 'EdDSA'), {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
      });
      const roles = (payload.roles as string[]) ?? [];
      request.caller = { userId: payload.sub!, roles, isOperator: roles.includes(OPERATOR) };
    } catch {
      throw unauthenticated('AUTH.TOKEN_INVALID', 'the access token is not valid', {});
    }
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.some((role) => request.caller!.roles.includes(role))) throw forbidden('AUTH.FORBIDDEN', 'role needed');
    return true;
  }
}
