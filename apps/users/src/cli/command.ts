import { phone } from '../user-rules';

export const USAGE = `usage: npm run users -- <command>

  grant-operator <phone>    give the user with this phone the operator role (in their next token)
  revoke-operator <phone>   take it back (tokens issued before keep it until they expire, at most AUTH_TOKEN_TTL_S)

<phone> is +91 and 10 digits, e.g. +919876543210. Works on the users database (DATABASE_URL)
directly; every change is in the audit log, from "cli:<login>@<host>".`;

export type Command =
  { kind: 'grant' | 'revoke'; role: 'operator'; phone: string } | { kind: 'help' } | { kind: 'usage-error'; message: string };

/** Reads the command line (without `node` and the script). */
export function parseCommand(argv: string[]): Command {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return { kind: 'help' };
  const kind = name === 'grant-operator' ? 'grant' : name === 'revoke-operator' ? 'revoke' : undefined;
  if (!kind) return { kind: 'usage-error', message: `unknown command "${name}"` };
  if (rest.length !== 1) return { kind: 'usage-error', message: `${name} takes one phone number` };
  if (!phone.safeParse(rest[0]).success)
    return { kind: 'usage-error', message: `"${rest[0]}" is not a phone: +91 and 10 digits, the first 6-9` };
  return { kind, role: 'operator', phone: rest[0] };
}
