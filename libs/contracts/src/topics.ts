/**
 * Logical topic names. Each producing service owns one topic; every event on it is keyed by its
 * subject's id (the payment's, or the user's on users.user-events), so all events of one payment,
 * or of one user, stay in order. The messaging runtime adds the
 * deployment's prefix (KAFKA_TOPIC_PREFIX) to these names.
 */
export const Topics = {
  PaymentEvents: 'payments.payment-events',
  FraudEvents: 'fraud.fraud-events',
  InventoryEvents: 'inventory.inventory-events',
  NotificationEvents: 'notifications.notification-events',
  AnalyticsEvents: 'analytics.analytics-events',
  LedgerEvents: 'ledger.ledger-events',
  DisputeEvents: 'disputes.dispute-events',
  UserEvents: 'users.user-events',
  /** Every service's operator actions, for the users service's audit log. */
  OperatorActions: 'audit.operator-actions',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/** The topics of a payment's life: their events are keyed by payment id (the others by user id). */
export const PaymentTopics: Topic[] = [
  Topics.PaymentEvents,
  Topics.FraudEvents,
  Topics.InventoryEvents,
  Topics.NotificationEvents,
  Topics.AnalyticsEvents,
  Topics.LedgerEvents,
  Topics.DisputeEvents,
];
