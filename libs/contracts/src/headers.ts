/**
 * Kafka message headers as clients hand them over (kafkajs' `IHeaders`, structurally): a value
 * may be a Buffer or a string, or several of them.
 */
export type MessageHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

/** A header's text (its first value when it has several), or null when the message does not carry it. */
export function headerText(headers: MessageHeaders | undefined, name: string): string | null {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
}

/** Every header as text (first values), e.g. to extract a trace context from. */
export function textHeaders(headers: MessageHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = headerText(headers, name);
    if (value !== null) text[name] = value;
  }
  return text;
}
