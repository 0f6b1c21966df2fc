export * from './bootstrap';
export * from './config';
export * from './database';
export * from './errors';
export * from './health.controller';
export * from './http-error.filter';
export * from './platform.module';
export * from './cursor';
