import { parseArgs } from 'node:util';
import { DeadLetterId, parseId } from './dead-letter';

export const USAGE = `Usage: npm run dlq -- <command> [options]

Shows and replays the messages the services dead-lettered: those that failed validation, had an
unknown version, or kept failing after MESSAGE_MAX_ATTEMPTS. Each service parks them on its own
topic, <KAFKA_TOPIC_PREFIX><service>.dead-letter, with the error and origin in dlq-* headers.

Commands:
  list [--service <name>] [--json]
      Every dead letter of every service (or of one), oldest first per partition: id, when it
      failed, origin topic[partition]@offset, event type and payment id (when the value can be
      read, else "-"), attempts and the error (truncated; --json prints everything as a JSON array).
      Reading leaves no trace: no offsets are committed and the temporary consumer group is deleted.

  replay <id|all> [--service <name>]
      Publishes the dead-lettered message again to the topic it came from, with its original key,
      value and headers (without the dlq-* ones, plus dlq-replayed-from: <id>), idempotent
      producer, acks=all. Every consumer group of that topic receives it again: consumers dedupe
      by event id, so replaying twice, or replaying an event some service already applied, is
      harmless. A replayed message that still fails is dead-lettered again, as a new entry.
      "all" replays every dead letter (of one service with --service); when several services
      parked the same message, it is published once.

Options:
  -s, --service <name>  only this service's dead-letter topic (e.g. fraud, notifications)
      --json            list: print a JSON array instead of a table
  -h, --help            this text

Ids look like <service>:<partition>:<offset>, as list prints them (e.g. fraud:0:12).
Environment: KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX (default none), as for the services.
Exit status: 0 done; 1 anything else (bad usage, unknown id, broker unreachable, ...).
`;

export type Command =
  | { kind: 'help' }
  | { kind: 'list'; service?: string; json: boolean }
  | { kind: 'replay'; target: DeadLetterId | 'all'; service?: string }
  | { kind: 'usage-error'; message: string };

const SERVICE_NAME = /^[A-Za-z0-9_-]+$/;

/** Turns the command line (without node and the script) into a command, or a usage error naming the problem. */
export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        service: { type: 'string', short: 's' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.help || name === 'help') return { kind: 'help' };
  const service = values.service;
  if (service !== undefined && !SERVICE_NAME.test(service)) return usageError(`--service "${service}" is not a service name`);

  switch (name) {
    case undefined:
      return usageError('no command given');
    case 'list':
      if (rest.length > 0) return usageError(`list takes no arguments, got: ${rest.join(' ')}`);
      return { kind: 'list', service, json: values.json };
    case 'replay': {
      if (values.json) return usageError('--json is for list only');
      if (rest.length !== 1) return usageError('replay takes one argument: a dead-letter id, or all');
      if (rest[0] === 'all') return { kind: 'replay', target: 'all', service };
      const id = parseId(rest[0]);
      if ('error' in id) return usageError(id.error);
      if (service !== undefined && service !== id.service) {
        return usageError(`id ${rest[0]} belongs to service ${id.service}, not --service ${service}`);
      }
      return { kind: 'replay', target: id, service: id.service };
    }
    default:
      return usageError(`unknown command "${name}"`);
  }
}

function usageError(message: string): Command {
  return { kind: 'usage-error', message };
}
