import { headerText, MessageHeaders } from './headers';

/*
 * What a dead letter is on the wire: the original message (key, value and headers, untouched) on
 * the consuming service's `<service>.dead-letter` topic, plus `dlq-*` headers naming the error and
 * where the message came from. The messaging runtime writes them; the dlq tool reads them.
 */

export const DEAD_LETTER_SUFFIX = '.dead-letter';

/** Every header the dead-letter bookkeeping adds starts with this; a replay strips them. */
export const DEAD_LETTER_HEADER_PREFIX = 'dlq-';

export const DeadLetterHeaders = {
  error: 'dlq-error',
  originTopic: 'dlq-origin-topic',
  originPartition: 'dlq-origin-partition',
  originOffset: 'dlq-origin-offset',
  service: 'dlq-service',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
  /** On a message republished from a dead letter: the id of that dead letter. */
  replayedFrom: 'dlq-replayed-from',
} as const;

/** The longest error text a dead letter keeps. */
export const DEAD_LETTER_ERROR_MAX = 2000;

/** Service names never contain a dot, so a topic of another prefix (`r1.x.fraud.dead-letter`) is not taken for one. */
const SERVICE_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Where a consuming service parks the messages it can never process (before the deployment's prefix). */
export function deadLetterTopic(service: string): string {
  return `${service}${DEAD_LETTER_SUFFIX}`;
}

/** The service whose dead-letter topic this is, or undefined when it is not one of this prefix. */
export function serviceOfDeadLetterTopic(prefix: string, topic: string): string | undefined {
  if (!topic.startsWith(prefix) || !topic.endsWith(DEAD_LETTER_SUFFIX)) return undefined;
  const service = topic.slice(prefix.length, topic.length - DEAD_LETTER_SUFFIX.length);
  return SERVICE_PATTERN.test(service) ? service : undefined;
}

export function isServiceName(text: string): boolean {
  return SERVICE_PATTERN.test(text);
}

/** Why and from where a message was parked. */
export interface DeadLetterOrigin {
  service: string;
  error: string;
  topic: string;
  partition: number;
  offset: string;
  attempts: number;
  failedAt: Date;
}

/** The headers of a dead letter: the original ones plus the bookkeeping. */
export function deadLetterHeaders(original: MessageHeaders | undefined, origin: DeadLetterOrigin): MessageHeaders {
  return {
    ...original,
    [DeadLetterHeaders.error]: origin.error.slice(0, DEAD_LETTER_ERROR_MAX),
    [DeadLetterHeaders.originTopic]: origin.topic,
    [DeadLetterHeaders.originPartition]: String(origin.partition),
    [DeadLetterHeaders.originOffset]: origin.offset,
    [DeadLetterHeaders.service]: origin.service,
    [DeadLetterHeaders.attempts]: String(origin.attempts),
    [DeadLetterHeaders.failedAt]: origin.failedAt.toISOString(),
  };
}

/** What a dead letter's headers say, as far as they can be read: a field that is missing or malformed is null. */
export interface DeadLetterFacts {
  error: string | null;
  originTopic: string | null;
  originPartition: number | null;
  originOffset: string | null;
  attempts: number | null;
  failedAt: string | null;
  replayedFrom: string | null;
}

const wholeNumber = (text: string | null) => (text !== null && /^\d+$/.test(text) ? text : null);

export function readDeadLetterHeaders(headers: MessageHeaders | undefined): DeadLetterFacts {
  const header = (name: string) => headerText(headers, name);
  const partition = wholeNumber(header(DeadLetterHeaders.originPartition));
  const attempts = wholeNumber(header(DeadLetterHeaders.attempts));
  return {
    error: header(DeadLetterHeaders.error),
    originTopic: header(DeadLetterHeaders.originTopic),
    originPartition: partition === null ? null : Number(partition),
    originOffset: wholeNumber(header(DeadLetterHeaders.originOffset)),
    attempts: attempts === null ? null : Number(attempts),
    failedAt: header(DeadLetterHeaders.failedAt),
    replayedFrom: header(DeadLetterHeaders.replayedFrom),
  };
}

/** The headers to republish a dead letter with: the original ones, without the bookkeeping, naming the dead letter. */
export function replayHeaders(headers: MessageHeaders, deadLetterId: string): MessageHeaders {
  const kept = Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith(DEAD_LETTER_HEADER_PREFIX));
  return { ...Object.fromEntries(kept), [DeadLetterHeaders.replayedFrom]: deadLetterId };
}
