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
  UserEvents: 'users.user-events',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];
