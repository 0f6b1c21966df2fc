/** An HTTP answer: its status, its headers, and its body parsed as JSON (the text when it is not JSON, undefined when empty). */
export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  /** An access token, sent as `Authorization: Bearer …`. */
  token?: string;
  /** A JSON body (sent as application/json). */
  body?: unknown;
  /** A body sent as it is (application/json unless `contentType` says otherwise). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A small HTTP client for the system's APIs, as a user would call them with curl. */
export async function call(method: string, url: string, options: CallOptions = {}): Promise<Answer> {
  const { token, body, raw, contentType, headers = {} } = options;
  const hasBody = body !== undefined || raw !== undefined;
  const response = await fetch(url, {
    method,
    headers: {
      ...(hasBody ? { 'content-type': contentType ?? 'application/json' } : {}),
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json, headers: response.headers };
}

/** The stable `code` of a refusal (undefined when the body has none). */
export const codeOf = (answer: Answer): string | undefined =>
  answer.body && typeof answer.body === 'object' ? ((answer.body as { code?: unknown }).code as string | undefined) : undefined;

/** `status code` of an answer, for messages and for comparing with an expectation in one go. */
export const outcomeOf = (answer: Answer): string => `${answer.status}${codeOf(answer) ? ` ${codeOf(answer)}` : ''}`;
