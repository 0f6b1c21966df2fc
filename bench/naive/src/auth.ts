// The naive peer's authentication, as a NestJS guide would write it with jose: a guard on the
// controller verifies the bearer token against the users service's JWKS (signature, iss, aud, exp)
// and puts the user on the request.
import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const JWKS = createRemoteJWKSet(new URL(process.env.AUTH_JWKS_URL ?? 'http://127.0.0.1:3005/.well-known/jwks.json'));

export interface AuthenticatedRequest {
  headers: Record<string, string | undefined>;
  user?: { userId: string };
}

@Injectable()
export class JwtAuthGuard implements CanActivate {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new UnauthorizedException('a bearer token is required');
    try {
      const { payload } = await jwtVerify(token, JWKS, {
        issuer: process.env.AUTH_ISSUER,
        audience: process.env.AUTH_AUDIENCE ?? 'upi-payments',
        algorithms: ['EdDSA', 'ES256'],
        clockTolerance: 30,
      });
      if (!payload.sub) throw new Error('no subject');
      request.user = { userId: payload.sub };
      return true;
    } catch {
      throw new UnauthorizedException('the token is not valid');
    }
  }
}
