/** The gateway's Kafka client for the console (dead letters, the audit of operator actions). */
export const CONSOLE_KAFKA = Symbol('CONSOLE_KAFKA');
