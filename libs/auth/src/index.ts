export * from './auth.guard';
export * from './auth.module';
export * from './caller';
export * from './decorators';
export * from './revocations';
export * from './token-verifier';
export * from './operator-audit.interceptor';
