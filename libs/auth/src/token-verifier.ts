import { createRemoteJWKSet, errors, jwtVerify, JWTVerifyGetKey } from 'jose';
import { AuthSettings, unauthenticated, unavailable } from '@app/platform';
import { Caller, OPERATOR, rolesAt, userIdOf } from './caller';

export const BEARER_CHALLENGE = 'Bearer realm="upi-payments"';
/** Asymmetric algorithms only: `none` and shared-secret HMAC are never accepted. */
const ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'RS256', 'PS256'];

export const tokenMissing = () =>
  unauthenticated('AUTH.TOKEN_MISSING', 'a bearer access token is required', { 'www-authenticate': BEARER_CHALLENGE });
const tokenInvalid = (why: string) =>
  unauthenticated('AUTH.TOKEN_INVALID', `the access token is not valid: ${why}`, {
    'www-authenticate': `${BEARER_CHALLENGE}, error="invalid_token"`,
  });

/**
 * Verifies access tokens with `jose` against the issuer's JWKS: signature, `iss`, `aud`, `exp`
 * and `nbf` with the configured clock skew. The key set is fetched once and cached; a token with
 * a `kid` it does not know makes it fetch again (at most once per cooldown), so a rotated key is
 * picked up without a restart.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  /** `cooldownMs`: after a fetch, an unknown `kid` is refused without fetching again for this long. */
  constructor(
    private readonly settings: AuthSettings,
    { cooldownMs = 30_000 }: { cooldownMs?: number } = {},
  ) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl), {
      cooldownDuration: cooldownMs,
      cacheMaxAge: 600_000,
      timeoutDuration: 5000,
    });
  }

  async verify(token: string): Promise<Caller> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockSkewS,
        algorithms: ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw this.refusal(error);
    }
    const roles = rolesAt(payload, this.settings.rolesClaim);
    return { userId: userIdOf(this.settings.issuer, payload.sub as string), roles, isOperator: roles.includes(OPERATOR) };
  }

  /** The refusal for a valid token of a user who was de-registered since it was issued. */
  revoked(): Error {
    return tokenInvalid('its user was de-registered');
  }

  private refusal(error: unknown): Error {
    // The keys could not be had (unreachable, too slow, not a key set): the token may be fine, it is not the client's fault.
    if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
      return unavailable('AUTH.KEYS_UNAVAILABLE', 'the keys that verify access tokens cannot be fetched now; try again');
    }
    if (error instanceof errors.JWTExpired) return tokenInvalid('expired');
    if (error instanceof errors.JWTClaimValidationFailed) return tokenInvalid(`claim ${error.claim} ${error.reason}`);
    if (error instanceof errors.JWKSNoMatchingKey) return tokenInvalid('signed by a key the issuer does not publish');
    if (error instanceof errors.JOSEAlgNotAllowed) return tokenInvalid('algorithm not allowed');
    if (error instanceof errors.JWSSignatureVerificationFailed) return tokenInvalid('signature does not verify');
    return tokenInvalid('malformed');
  }
}
