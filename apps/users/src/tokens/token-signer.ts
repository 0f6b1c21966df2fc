import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { TOKEN_SETTINGS, TokenSettings } from '../config';
import { SIGNING_KEY, SigningKey, TOKEN_ALG } from './signing-key';

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Signs access tokens: `iss`, `aud`, `sub` (the user id), `roles`, `iat`, `exp`, `jti`; the header names the key. */
@Injectable()
export class TokenSigner {
  constructor(
    @Inject(SIGNING_KEY) private readonly key: SigningKey,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
  ) {}

  async issue(userId: string, roles: string[]): Promise<IssuedToken & { jti: string }> {
    const now = Math.floor(Date.now() / 1000);
    const jti = randomUUID();
    const accessToken = await new SignJWT({ roles })
      .setProtectedHeader({ alg: TOKEN_ALG, kid: this.key.kid, typ: 'JWT' })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(userId)
      .setIssuedAt(now)
      .setExpirationTime(now + this.settings.ttlS)
      .setJti(jti)
      .sign(this.key.privateKey);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.settings.ttlS, jti };
  }

  /** The public keys that verify what this signs, as a JWK Set. */
  jwks(): { keys: object[] } {
    return { keys: [this.key.publicJwk] };
  }
}
