import { useCallback, useEffect, useState } from 'react';
import { Call, DeadLetter, describe } from './api';

interface Replayed {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  alsoCovers: string[];
}

/** Every service's dead letters (as `npm run dlq -- list` shows them), each with a replay to the topic it came from. */
export function DeadLetters({ call }: { call: Call }) {
  const [letters, setLetters] = useState<DeadLetter[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    setError(null);
    setLetters(null);
    call<{ data: DeadLetter[] }>('GET', '/v1/ops/dead-letters').then(
      (page) => setLetters(page.data),
      (failure) => setError(describe(failure)),
    );
  }, [call]);

  useEffect(load, [load]);

  async function replay(id: string) {
    setBusy(id);
    setError(null);
    setMessage(null);
    try {
      const { replayed } = await call<{ replayed: Replayed[] }>('POST', `/v1/ops/dead-letters/${encodeURIComponent(id)}/replay`);
      const done = replayed[0];
      const covers = done.alsoCovers.length > 0 ? ` (also parked as ${done.alsoCovers.join(', ')})` : '';
      setMessage(`Replayed ${done.id} to ${done.topic}[${done.partition}] at offset ${done.offset}${covers}.`);
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-label="Dead letters">
      <div className="toolbar">
        <button onClick={load}>Refresh</button>
        <span className="muted small">Replaying republishes the original message; consumers skip an event they have already applied.</span>
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
      {!letters ? (
        !error && <p className="muted">Reading the dead-letter topics…</p>
      ) : (
        <table aria-label="Dead letters">
          <thead>
            <tr>
              <th>Id</th>
              <th>Service</th>
              <th>Failed</th>
              <th>From topic</th>
              <th>Event</th>
              <th>Payment</th>
              <th>Attempts</th>
              <th>Error</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {letters.length === 0 && (
              <tr>
                <td colSpan={9}>No dead letters.</td>
              </tr>
            )}
            {letters.map((letter) => (
              <tr key={letter.id} data-dead-letter={letter.id}>
                <td className="mono small">
                  {letter.id}
                  {letter.replayedFrom && <div className="muted">replay of {letter.replayedFrom}</div>}
                </td>
                <td>{letter.service}</td>
                <td>{letter.failedAt ? new Date(letter.failedAt).toLocaleString() : '-'}</td>
                <td className="small">{letter.originTopic ?? '-'}</td>
                <td>{letter.eventType ?? '-'}</td>
                <td className="mono small">{letter.paymentId ?? '-'}</td>
                <td>{letter.attempts ?? '-'}</td>
                <td className="error-text">{letter.error ?? '-'}</td>
                <td>
                  <button disabled={busy !== null || !letter.originTopic} onClick={() => void replay(letter.id)}>
                    Replay
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
