/** A registered (or de-registered) user, as the service works with it. Never the password hash. */
export interface User {
  id: string;
  name: string;
  phone: string;
  roles: string[];
  createdAt: Date;
  deregisteredAt: Date | null;
}

/** A VPA linked to a user. */
export interface LinkedVpa {
  vpa: string;
  linkedAt: Date;
}

export const OPERATOR_ROLE = 'operator';

/** Roles the CLI can grant and revoke. */
export const ROLES = [OPERATOR_ROLE] as const;
export type Role = (typeof ROLES)[number];

/** A user holds at most this many VPAs at a time. */
export const MAX_VPAS = 5;

/** The producer name on every event this service publishes. */
export const USERS_PRODUCER = 'users';
