// Only OpenTelemetry imports here: services import this before anything it instruments.
export * from './context';
export * from './sdk';
export * from './metrics';
