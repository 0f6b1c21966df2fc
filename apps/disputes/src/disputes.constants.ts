/** The producer name on every event this service publishes. */
export const DISPUTES_PRODUCER = 'disputes';
