/*
 * The console's only way out: JSON calls to the gateway it is served from (same origin), with the
 * operator's access token in the Authorization header. The token is kept in memory only.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

export type Call = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

/** A call to the gateway; an answer other than 2xx is an ApiError with the service's code and message. */
export async function request<T>(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = (json ?? {}) as { code?: string; message?: string };
    throw new ApiError(response.status, error.code ?? null, error.message ?? `${response.status} ${response.statusText}`);
  }
  return json as T;
}

export const authorized =
  (token: string): Call =>
  (method, path, body) =>
    request(method, path, token, body);

export const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const isUuid = (text: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);

// The resources, as far as the console shows them (shared/spec/payments.md, disputes.md).

export interface Payment {
  id: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  failureReason: string | null;
  payerVpa: string;
  payeeVpa: string;
  amount: string;
  refundedAmount: string;
  currency: string;
  note: string | null;
  fraud: { decision: string; score: number; reasons: string[] } | null;
  createdAt: string;
  completedAt: string | null;
  traceId: string | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Timeline {
  paymentId: string;
  traceId: string | null;
  traceUrl: string | null;
  steps: Array<{ step: string; service: string; at: string; outcome: string | null }>;
}

export interface Refund {
  id: string;
  amount: string;
  status: string;
  failureReason: string | null;
  disputeId: string | null;
  createdAt?: string;
}

export interface Dispute {
  id: string;
  paymentId: string;
  payerVpa: string;
  payeeVpa: string;
  amount: string;
  reason: string;
  description: string;
  status: 'OPEN' | 'UNDER_REVIEW' | 'RESOLVED_FOR_PAYER' | 'RESOLVED_FOR_PAYEE' | 'WITHDRAWN';
  escalated: boolean;
  refund: { id: string; status: string; failureReason: string | null } | null;
  createdAt: string;
}

export const DISPUTE_STATUSES: Array<Dispute['status']> = ['OPEN', 'UNDER_REVIEW', 'RESOLVED_FOR_PAYER', 'RESOLVED_FOR_PAYEE', 'WITHDRAWN'];

export interface Span {
  id: string;
  parentId?: string;
  name?: string;
  kind?: string;
  timestamp?: number;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

export interface DeadLetter {
  id: string;
  service: string;
  failedAt: string | null;
  originTopic: string | null;
  eventType: string | null;
  paymentId: string | null;
  attempts: number | null;
  error: string | null;
  replayedFrom: string | null;
}

export interface ServiceOverview {
  service: string;
  instances: Array<{ url: string; up: boolean; metrics: boolean }>;
  consumerLag: { total: number; byTopic: Record<string, number> } | null;
  outbox: { backlog: number; oldestAgeS: number } | null;
  deadLetters: number | null;
}
