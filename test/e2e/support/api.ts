import { Answer, call } from './client';

// The resources of the contract (shared/spec/payments.md) as the tests read them. The helpers below
// type a body by its endpoint and do not check it: each test asserts the fields it relies on, and a
// body of an error status is whatever the service sent (read the status first).

export interface Payment {
  id: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  failureReason: string | null;
  payerVpa: string;
  payeeVpa: string;
  amount: string;
  /** what its succeeded refunds gave back */
  refundedAmount: string;
  currency: string;
  note: string | null;
  items: Array<{ sku: string; quantity: number }>;
  /** null until assessed */
  fraud: { decision: 'APPROVED' | 'REJECTED'; score: number; reasons: string[] } | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** null when tracing was off */
  traceId: string | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Notification {
  id: string;
  paymentId: string;
  /** null for a notification to operators (an escalated dispute) */
  recipientVpa: string | null;
  type: string;
  message: string;
  createdAt: string;
}

export interface Summary {
  initiated: number;
  succeeded: number;
  failed: number;
  pending: number;
  failuresByReason: Record<string, number>;
  succeededVolume: string;
  latencyMs: { p50: number; p95: number; p99: number };
}

export interface Timeline {
  paymentId: string;
  traceId: string | null;
  traceUrl: string | null;
  steps: Array<{ step: string; service: string; at: string; outcome: string | null }>;
}

const typed = async <T>(answer: Promise<Answer>): Promise<Answer<T>> => (await answer) as Answer<T>;

// Each call is made with the caller's access token.

/** POST /v1/payments: 202 with the payment. */
export const postPayment = (url: string, token: string, body: unknown) => typed<Payment>(call('POST', url, { token, body }));
/** GET /v1/payments/:id: 200 with the payment. */
export const getPayment = (url: string, token: string) => typed<Payment>(call('GET', url, { token }));
/** GET /v1/payments?…: 200 with a page of payments. */
export const getPayments = (url: string, token: string) => typed<Page<Payment>>(call('GET', url, { token }));
/** GET /v1/payments/:id/timeline: 200 with the timeline. */
export const getTimeline = (url: string, token: string) => typed<Timeline>(call('GET', url, { token }));
/** GET /v1/notifications?vpa=…: 200 with a page of notifications. */
export const getNotifications = (url: string, token: string) => typed<Page<Notification>>(call('GET', url, { token }));
/** GET /v1/analytics/summary: 200 with the summary (an operator's token). */
export const getSummary = (url: string, token: string) => typed<Summary>(call('GET', url, { token }));
