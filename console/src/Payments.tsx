import { FormEvent, useState } from 'react';
import { ApiError, Call, describe, isUuid, Page, Payment } from './api';
import { PaymentView } from './PaymentView';

/** Search by payment id (opens it) or by VPA (the newest payments where it paid or was paid). */
export function Payments({ call }: { call: Call }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Payment[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search(event: FormEvent) {
    event.preventDefault();
    const text = query.trim();
    setError(null);
    setFound(null);
    setSelected(null);
    try {
      if (isUuid(text)) {
        await call<Payment>('GET', `/v1/payments/${text}`);
        setSelected(text);
      } else if (text.includes('@')) {
        const page = await call<Page<Payment>>('GET', `/v1/payments?vpa=${encodeURIComponent(text)}&limit=50`);
        setFound(page.data);
      } else {
        setError('Enter a payment id (a UUID) or a VPA (name@bank).');
      }
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 404 ? `Nothing found for ${text}.` : describe(failure));
    }
  }

  return (
    <section>
      <form className="search" onSubmit={(event) => void search(event)}>
        <input aria-label="Payment id or VPA" placeholder="Payment id or VPA" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {found && (
        <table className="results" aria-label="Payments found">
          <thead>
            <tr>
              <th>Payment</th>
              <th>Status</th>
              <th>Amount</th>
              <th>Payer</th>
              <th>Payee</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {found.length === 0 && (
              <tr>
                <td colSpan={6}>No payments for this VPA.</td>
              </tr>
            )}
            {found.map((payment) => (
              <tr key={payment.id} className={payment.id === selected ? 'selected' : undefined}>
                <td>
                  <button className="link mono" onClick={() => setSelected(payment.id)}>
                    {payment.id}
                  </button>
                </td>
                <td>
                  <span className={`status ${payment.status}`}>{payment.status}</span>
                </td>
                <td className="money">₹{payment.amount}</td>
                <td>{payment.payerVpa}</td>
                <td>{payment.payeeVpa}</td>
                <td>{new Date(payment.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <PaymentView key={selected} id={selected} call={call} />}
    </section>
  );
}
