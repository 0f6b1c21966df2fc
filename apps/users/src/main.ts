import './tracing';
import 'reflect-metadata';
import { runService } from '@app/platform';
import { loadConfig } from './config';
import { UsersModule } from './users.module';

void runService(() => {
  const config = loadConfig();
  return {
    config,
    title: 'Users',
    description:
      'Users, their VPAs and their access tokens: registration, sign-in (EdDSA-signed JWTs, keys at /.well-known/jwks.json), ' +
      'VPA links and address lookups, de-registration, and the audit trail.',
    module: UsersModule.forRoot(config),
  };
});
