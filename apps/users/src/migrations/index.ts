import { AUTH_MIGRATIONS } from '@app/auth';
import { MESSAGING_MIGRATIONS } from '@app/messaging';
import { Users1763700000500 } from './1763700000500-users';

/** The users schema's migrations, in order (the service's and the command line's). */
export const USERS_MIGRATIONS = [...MESSAGING_MIGRATIONS, ...AUTH_MIGRATIONS, Users1763700000500];
