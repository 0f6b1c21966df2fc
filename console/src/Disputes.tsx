import { useCallback, useEffect, useState } from 'react';
import { Call, describe, Dispute, DISPUTE_STATUSES, Page } from './api';

/** The disputes queue (newest first, by status): review an open one, resolve one under review for the payer or the payee. */
export function Disputes({ call }: { call: Call }) {
  const [status, setStatus] = useState<Dispute['status'] | ''>('');
  const [disputes, setDisputes] = useState<Dispute[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(() => {
    setError(null);
    call<Page<Dispute>>('GET', `/v1/disputes?limit=100${status ? `&status=${status}` : ''}`).then(
      (page) => setDisputes(page.data),
      (failure) => setError(describe(failure)),
    );
  }, [call, status]);

  useEffect(load, [load]);

  async function act(dispute: Dispute, action: 'review' | 'resolve', outcome?: 'PAYER' | 'PAYEE') {
    setError(null);
    setMessage(null);
    try {
      const body = action === 'resolve' ? { outcome, note: notes[dispute.id] || `Resolved for the ${outcome?.toLowerCase()}.` } : undefined;
      const updated = await call<Dispute>('POST', `/v1/disputes/${dispute.id}/${action}`, body);
      setMessage(`Dispute ${dispute.id} is now ${updated.status}.`);
      load();
    } catch (failure) {
      setError(describe(failure));
    }
  }

  return (
    <section aria-label="Disputes queue">
      <div className="toolbar">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as Dispute['status'] | '')}>
            <option value="">any</option>
            {DISPUTE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button onClick={load}>Refresh</button>
      </div>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!disputes ? (
        <p className="muted">Loading disputes…</p>
      ) : (
        <table aria-label="Disputes">
          <thead>
            <tr>
              <th>Dispute</th>
              <th>Payment</th>
              <th>Amount</th>
              <th>Reason</th>
              <th>Status</th>
              <th>Opened</th>
              <th>Action</th>
            </tr>
          </thead>
          <tbody>
            {disputes.length === 0 && (
              <tr>
                <td colSpan={7}>No disputes.</td>
              </tr>
            )}
            {disputes.map((dispute) => (
              <tr key={dispute.id} data-dispute={dispute.id}>
                <td className="mono small">{dispute.id}</td>
                <td className="mono small">{dispute.paymentId}</td>
                <td className="money">₹{dispute.amount}</td>
                <td title={dispute.description}>{dispute.reason}</td>
                <td>
                  <span className="status">{dispute.status}</span>
                  {dispute.escalated && <span className="badge">escalated</span>}
                  {dispute.refund && <span className="small"> refund {dispute.refund.status}</span>}
                </td>
                <td>{new Date(dispute.createdAt).toLocaleString()}</td>
                <td className="actions">
                  {dispute.status === 'OPEN' && <button onClick={() => void act(dispute, 'review')}>Review</button>}
                  {dispute.status === 'UNDER_REVIEW' && (
                    <>
                      <input
                        aria-label="Resolution note"
                        placeholder="Note"
                        value={notes[dispute.id] ?? ''}
                        onChange={(e) => setNotes({ ...notes, [dispute.id]: e.target.value })}
                      />
                      <button onClick={() => void act(dispute, 'resolve', 'PAYER')}>For payer</button>
                      <button onClick={() => void act(dispute, 'resolve', 'PAYEE')}>For payee</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
