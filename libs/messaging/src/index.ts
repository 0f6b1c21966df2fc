export * from './kafka.tokens';
export * from './messaging.module';
export * from './messaging.options';
export * from './migrations';
export * from './on-event.decorator';
export * from './outbox';
export * from './unit-of-work';
export * from './failures';
