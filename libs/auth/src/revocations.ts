import { Controller, Injectable } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { DomainEvent } from '@app/contracts';
import { Database } from '@app/platform';

/** The users each service has learnt were de-registered: their tokens are refused before they expire. */
export class RevokedUsers1764600000000 implements MigrationInterface {
  name = 'RevokedUsers1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE revoked_users (
        user_id    uuid PRIMARY KEY,
        revoked_at timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE revoked_users');
  }
}

/** What every service using `AuthModule` adds to its migrations. */
export const AUTH_MIGRATIONS = [RevokedUsers1764600000000];

/** The revoked_users table. */
@Injectable()
export class RevokedUsersRepository {
  constructor(private readonly db: Database) {}

  async add(revocations: Array<{ userId: string; at: string }>): Promise<void> {
    if (revocations.length === 0) return;
    await this.db.query(
      `INSERT INTO revoked_users (user_id, revoked_at)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) ON CONFLICT (user_id) DO NOTHING`,
      [revocations.map((r) => r.userId), revocations.map((r) => r.at)],
    );
  }

  async isRevoked(userId: string): Promise<boolean> {
    const rows = await this.db.query<{ one: number }>('SELECT 1 AS one FROM revoked_users WHERE user_id = $1', [userId]);
    return rows.length > 0;
  }
}

/** Every service's consumer group learns de-registrations from the users service's events. */
@Controller()
export class RevocationsController {
  constructor(private readonly revoked: RevokedUsersRepository) {}

  @EventPattern(['UserDeregistered'], { batch: true })
  onDeregistered(@Payload() events: Array<DomainEvent<'UserDeregistered'>>): Promise<void> {
    return this.revoked.add(events.map((event) => ({ userId: event.userId, at: event.payload.deregisteredAt })));
  }
}
