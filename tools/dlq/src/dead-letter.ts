/*
 * Dead letters as the operator tool sees them: ids, rows to list, replay plans. The logic lives in
 * libs/messaging (dead-letter-records.ts), shared with the gateway's operator console; these are
 * the tool's names for it.
 */
export {
  compareDeadLetters,
  type DeadLetterId,
  type DeadLetterRow,
  deadLetterTopicOf,
  describeDeadLetterValue as describeValue,
  formatDeadLetterId as formatId,
  parseDeadLetterId as parseId,
  planDeadLetterReplay as planReplay,
  type RawDeadLetter,
  type ReplayPlan,
  deadLetterRow as toRow,
} from '@app/messaging';
