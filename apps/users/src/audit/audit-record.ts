/** Who acted, and from where: what every audited use case is handed by its edge. */
export interface Actor {
  /** The signed-in user, or null (someone not signed in, an operator at the command line). */
  userId: string | null;
  /** The client's address for a request, `cli` for the command line. */
  origin: string;
}

export type AuditResult = 'SUCCESS' | 'FAILURE';

/**
 * What was done, on what, by whom, from where, with what result (PCI DSS 10.2.2). `detail` holds
 * ids, roles, reasons: never a password, a token, a phone or a name.
 */
export interface AuditEntry {
  action: AuditAction;
  resource: string | null;
  result: AuditResult;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: Date;
  actor: string | null;
  origin: string | null;
  detail: Record<string, unknown>;
}

export const AuditActions = [
  'user.register',
  'user.deregister',
  'token.issue',
  'vpa.link',
  'vpa.unlink',
  'role.grant',
  'role.revoke',
  'audit.read',
  // an operator's request to another service (OperatorActed)
  'operator.request',
] as const;
export type AuditAction = (typeof AuditActions)[number];

export const userResource = (userId: string) => `user:${userId}`;
export const vpaResource = (vpa: string) => `vpa:${vpa}`;
