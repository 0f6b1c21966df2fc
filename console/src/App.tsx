import { useMemo, useState } from 'react';
import { authorized } from './api';
import { DeadLetters } from './DeadLetters';
import { Disputes } from './Disputes';
import { Login } from './Login';
import { Overview } from './Overview';
import { Payments } from './Payments';

const VIEWS = { payments: 'Payments', disputes: 'Disputes', deadLetters: 'Dead letters', overview: 'Overview' } as const;
type View = keyof typeof VIEWS;

interface Session {
  token: string;
  name: string;
}

/** Signed out: the login form. Signed in (as an operator): a tab per view; the token lives in this state only. */
export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [view, setView] = useState<View>('payments');
  const token = session?.token;
  // One function per session, so that views fetching on [call] do not fetch again on every render.
  const call = useMemo(() => authorized(token ?? ''), [token]);

  if (!session) return <Login onSignedIn={setSession} />;
  return (
    <div className="app">
      <header>
        <h1>Operator console</h1>
        <nav>
          {(Object.keys(VIEWS) as View[]).map((key) => (
            <button key={key} className={key === view ? 'tab active' : 'tab'} onClick={() => setView(key)}>
              {VIEWS[key]}
            </button>
          ))}
        </nav>
        <span className="who">
          {session.name}
          <button className="link" onClick={() => setSession(null)}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        {view === 'payments' && <Payments call={call} />}
        {view === 'disputes' && <Disputes call={call} />}
        {view === 'deadLetters' && <DeadLetters call={call} />}
        {view === 'overview' && <Overview call={call} />}
      </main>
    </div>
  );
}
