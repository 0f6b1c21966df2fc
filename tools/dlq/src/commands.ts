import { listDeadLetters as list, replayDeadLetters as replay } from '@app/messaging';
import { ConfigError } from '@app/platform';
import { dlqKafka, Replayed } from './broker';
import { parseCommand, USAGE } from './cli';
import { DlqConfig, loadConfig } from './config';
import { DeadLetterId, deadLetterTopicOf, DeadLetterRow, formatId } from './dead-letter';
import { formatJson, formatTable } from './format';

/** A failure the operator can act on: printed as is, without a stack. */
export class DlqError extends Error {}

export async function listDeadLetters(config: DlqConfig, service?: string): Promise<DeadLetterRow[]> {
  return list(dlqKafka(config), config.topicPrefix, service);
}

export interface ReplayResult {
  replayed: Replayed[];
  /** Dead letters without a dlq-origin-topic header: there is nowhere to send them back to. */
  unreplayable: string[];
}

/** Replays one dead letter, or all of them (of one service); an id that is not there is a DlqError. */
export async function replayDeadLetters(
  config: DlqConfig,
  target: DeadLetterId | 'all',
  service?: string,
  onEach?: (replayed: Replayed) => void,
): Promise<ReplayResult> {
  const result = await replay(dlqKafka(config), config.topicPrefix, target, service, onEach);
  if (result) return result;
  const id = target as DeadLetterId; // only one id can be missing
  throw new DlqError(
    `no dead letter ${formatId(id)}: ${deadLetterTopicOf(config.topicPrefix, id.service)} has no message at partition ${id.partition}, offset ${id.offset} (see: npm run dlq -- list)`,
  );
}

export interface Io {
  env?: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The whole command line: runs the command and returns the exit status (0 done, 1 anything else). */
export async function run(argv: string[], { env = process.env, out, err }: Io): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'help') {
    out(USAGE.trimEnd());
    return 0;
  }
  if (command.kind === 'usage-error') {
    err(`dlq: ${command.message} (see: npm run dlq -- --help)`);
    return 1;
  }
  try {
    const config = loadConfig(env);
    if (command.kind === 'list') {
      const rows = await listDeadLetters(config, command.service);
      out(command.json ? formatJson(rows) : formatTable(rows));
      return 0;
    }
    const { replayed, unreplayable } = await replayDeadLetters(config, command.target, command.service, (done) => {
      const covers = done.alsoCovers.length > 0 ? ` (also parked as ${done.alsoCovers.join(', ')})` : '';
      out(`replayed ${done.id} -> ${done.topic}[${done.partition}]@${done.offset}${covers}`);
    });
    for (const id of unreplayable) err(`dlq: cannot replay ${id}: it has no dlq-origin-topic header`);
    if (replayed.length === 0 && unreplayable.length === 0) out('no dead letters to replay');
    else out(`${replayed.length} message(s) replayed`);
    return unreplayable.length > 0 ? 1 : 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof DlqError || error instanceof ConfigError) err(`dlq: ${message}`);
    else err(`dlq: ${command.kind} failed: ${message} (KAFKA_BROKERS=${env.KAFKA_BROKERS ?? '127.0.0.1:9092'})`);
    return 1;
  }
}
