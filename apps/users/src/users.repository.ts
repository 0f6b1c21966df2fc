import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { User } from './user';

interface UserRow {
  id: string;
  name: string;
  phone: string;
  roles: string[];
  created_at: Date;
  deregistered_at: Date | null;
}

const COLUMNS = 'id, name, phone, roles, created_at, deregistered_at';

const toUser = (row: UserRow): User => ({
  id: row.id,
  name: row.name,
  phone: row.phone,
  roles: row.roles,
  createdAt: row.created_at,
  deregisteredAt: row.deregistered_at,
});

export interface NewUser {
  id: string;
  name: string;
  phone: string;
  passwordHash: string;
  roles: string[];
}

/** What signing in needs: the user and the stored hash, nothing else leaves this class with it. */
export interface Credentials {
  user: User;
  passwordHash: string;
}

/** The users table. "Registered" means not de-registered. */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  /** Creates the user unless a registered user has the phone; null if one has (concurrent sign-ups: one wins). */
  async insertIfPhoneFree({ id, name, phone, passwordHash, roles }: NewUser): Promise<User | null> {
    const [row] = await this.db.query<UserRow>(
      `INSERT INTO users (id, name, phone, password_hash, roles) VALUES ($1, $2, $3, $4, $5::text[])
       ON CONFLICT (phone) WHERE deregistered_at IS NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [id, name, phone, passwordHash, roles],
    );
    return row ? toUser(row) : null;
  }

  async findRegisteredByPhone(phone: string): Promise<Credentials | null> {
    const [row] = await this.db.query<UserRow & { password_hash: string }>(
      `SELECT ${COLUMNS}, password_hash FROM users WHERE phone = $1 AND deregistered_at IS NULL`,
      [phone],
    );
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  async findRegistered(id: string): Promise<User | null> {
    const [row] = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1 AND deregistered_at IS NULL`, [id]);
    return row ? toUser(row) : null;
  }

  /**
   * The user, locked until the transaction ends: whatever changes a user's VPAs or status locks it
   * first, so that two of those never interleave (the sixth VPA, a link during de-registration).
   */
  async lockRegistered(id: string): Promise<User | null> {
    const [row] = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1 AND deregistered_at IS NULL FOR UPDATE`, [id]);
    return row ? toUser(row) : null;
  }

  /** Marks a locked, registered user de-registered; returns when. */
  async markDeregistered(id: string): Promise<Date> {
    const [row] = await this.db.query<{ deregistered_at: Date }>(
      `WITH done AS (UPDATE users SET deregistered_at = now() WHERE id = $1 AND deregistered_at IS NULL RETURNING deregistered_at)
       SELECT deregistered_at FROM done`,
      [id],
    );
    return row.deregistered_at;
  }

  /** Adds a role to a registered user; false if they had it already. */
  async addRole(id: string, role: string): Promise<boolean> {
    const changed = await this.db.execute(
      `UPDATE users SET roles = array_append(roles, $2) WHERE id = $1 AND deregistered_at IS NULL AND NOT ($2 = ANY (roles))`,
      [id, role],
    );
    return changed > 0;
  }

  /** Takes a role from a registered user; false if they did not have it. */
  async removeRole(id: string, role: string): Promise<boolean> {
    const changed = await this.db.execute(
      `UPDATE users SET roles = array_remove(roles, $2) WHERE id = $1 AND deregistered_at IS NULL AND $2 = ANY (roles)`,
      [id, role],
    );
    return changed > 0;
  }
}
