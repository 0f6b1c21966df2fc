import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/platform';
import { TokenSigner } from './token-signer';

@ApiTags('users')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly signer: TokenSigner) {}

  /** The public keys that verify access tokens (a JWK Set: kid, alg EdDSA, use sig). Services cache it. */
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOkResponse({ description: '{ keys: [{ kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" }] }' })
  jwks() {
    return this.signer.jwks();
  }
}
