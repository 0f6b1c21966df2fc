export * from './envelope';
export * from './events';
export * from './money';
export * from './topics';
export * from './vpa';
export * from './dead-letter';
export * from './headers';
export * from './vpa-facts';
