import { FormEvent, useState } from 'react';
import { ApiError, describe, request } from './api';

interface Props {
  onSignedIn: (session: { token: string; name: string }) => void;
}

/** Signs in with the users service (through the gateway) and lets only operators in. */
export function Login({ onSignedIn }: Props) {
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { accessToken } = await request<{ accessToken: string }>('POST', '/v1/auth/token', null, { phone, password });
      const me = await request<{ name: string; roles: string[] }>('GET', '/v1/users/me', accessToken);
      if (!me.roles.includes('operator')) {
        setError('This account is not an operator: the console is for operators only.');
        return;
      }
      onSignedIn({ token: accessToken, name: me.name });
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? 'Wrong phone or password.' : describe(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="login" onSubmit={(event) => void submit(event)}>
      <h1>Operator console</h1>
      <label>
        Phone
        <input name="phone" autoComplete="username" value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+91…" />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy || !phone || !password}>
        Sign in
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
