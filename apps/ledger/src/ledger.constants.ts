/** The producer name on every event this service publishes. */
export const LEDGER_PRODUCER = 'ledger';
