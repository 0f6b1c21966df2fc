import { useEffect, useState } from 'react';
import { Call, describe, Dispute, Page, Payment, Refund, Timeline } from './api';
import { TracePanel } from './TracePanel';

interface Details {
  payment: Payment;
  timeline: Timeline;
  refunds: Refund[];
  disputes: Dispute[];
}

/**
 * One payment: status and amounts, refunds, disputes, and its timeline with the trace beside it.
 * The disputes API has no filter by payment: its disputes are picked from the newest 100.
 */
export function PaymentView({ id, call }: { id: string; call: Call }) {
  const [details, setDetails] = useState<Details | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    Promise.all([
      call<Payment>('GET', `/v1/payments/${id}`),
      call<Timeline>('GET', `/v1/payments/${id}/timeline`),
      call<{ data: Refund[] }>('GET', `/v1/payments/${id}/refunds`),
      call<Page<Dispute>>('GET', '/v1/disputes?limit=100'),
    ]).then(
      ([payment, timeline, refunds, disputes]) =>
        current && setDetails({ payment, timeline, refunds: refunds.data, disputes: disputes.data.filter((d) => d.paymentId === id) }),
      (failure) => current && setError(describe(failure)),
    );
    return () => {
      current = false;
    };
  }, [id, call]);

  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!details) return <p className="muted">Loading payment…</p>;
  const { payment, timeline, refunds, disputes } = details;
  return (
    <article className="payment" aria-label="Payment">
      <h2>
        Payment <span className="mono">{payment.id}</span> <span className={`status ${payment.status}`}>{payment.status}</span>
      </h2>
      <dl className="facts">
        <dt>Amount</dt>
        <dd className="money">
          ₹{payment.amount} {payment.currency}
        </dd>
        <dt>Refunded</dt>
        <dd className="money">₹{payment.refundedAmount}</dd>
        <dt>Payer</dt>
        <dd>{payment.payerVpa}</dd>
        <dt>Payee</dt>
        <dd>{payment.payeeVpa}</dd>
        {payment.failureReason && (
          <>
            <dt>Failure</dt>
            <dd>{payment.failureReason}</dd>
          </>
        )}
        <dt>Fraud</dt>
        <dd>{payment.fraud ? `${payment.fraud.decision} (score ${payment.fraud.score})` : 'not assessed yet'}</dd>
        <dt>Created</dt>
        <dd>{new Date(payment.createdAt).toLocaleString()}</dd>
      </dl>

      <div className="columns">
        <section aria-label="Timeline">
          <h3>Timeline</h3>
          <ol className="timeline">
            {timeline.steps.map((step, i) => (
              <li key={i}>
                <span className="step">{step.step}</span>
                <span className="service">{step.service}</span>
                <time>{new Date(step.at).toLocaleTimeString()}</time>
                {step.outcome && <span className="outcome">{step.outcome}</span>}
              </li>
            ))}
          </ol>
        </section>
        <TracePanel traceId={timeline.traceId} traceUrl={timeline.traceUrl} call={call} />
      </div>

      <section aria-label="Refunds">
        <h3>Refunds</h3>
        {refunds.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul>
            {refunds.map((refund) => (
              <li key={refund.id}>
                ₹{refund.amount} — {refund.status}
                {refund.failureReason && ` (${refund.failureReason})`}
                {refund.disputeId && ' — for a dispute'}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Disputes of this payment">
        <h3>Disputes</h3>
        {disputes.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul>
            {disputes.map((dispute) => (
              <li key={dispute.id}>
                ₹{dispute.amount} — {dispute.reason} — <span className="status">{dispute.status}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
