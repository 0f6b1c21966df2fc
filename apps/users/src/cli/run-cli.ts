import { hostname, userInfo } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ConfigError, prepareDatabase, runMigrations } from '@app/platform';
import { loadConfig } from '../config';
import { ManageRolesService } from '../manage-roles/manage-roles.service';
import { parseCommand, USAGE } from './command';
import { UsersCliModule } from './cli.module';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Who is at the console: the audit log's origin for what the command line does. */
export function cliOrigin(): string {
  let login = 'unknown';
  try {
    login = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return `cli:${login}@${hostname()}`;
}

/** Runs one command; returns the exit code (0 done, 1 no such user, 64 usage, 78 configuration). */
export async function runCli(argv: string[], io: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (command.kind === 'usage-error') {
    io.err(`${command.message}\n\n${USAGE}`);
    return 64;
  }
  let config;
  try {
    // quiet unless asked: the command prints its own outcome
    config = loadConfig({ LOG_LEVEL: 'warn', ...env });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 78;
    }
    throw error;
  }
  await prepareDatabase(config.database.url, config.database.schema);
  const app = await NestFactory.createApplicationContext(UsersCliModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    await runMigrations(app.get(DataSource), config.database.schema);
    const roles = app.get(ManageRolesService);
    const actor = { userId: null, origin: cliOrigin() };
    const { change, userId } =
      command.kind === 'grant'
        ? await roles.grant(command.phone, command.role, actor)
        : await roles.revoke(command.phone, command.role, actor);
    switch (change) {
      case 'no-such-user':
        io.err(`no registered user has the phone ${command.phone}`);
        return 1;
      case 'unchanged':
        io.out(`user ${userId} ${command.kind === 'grant' ? 'already has' : 'does not have'} the ${command.role} role`);
        return 0;
      default:
        io.out(
          `${change} the ${command.role} role ${command.kind === 'grant' ? 'to' : 'from'} user ${userId}: it takes effect with their next token`,
        );
        return 0;
    }
  } finally {
    await app.close();
  }
}
