/** The producer name on every event this service publishes. */
export const INVENTORY_PRODUCER = 'inventory';
