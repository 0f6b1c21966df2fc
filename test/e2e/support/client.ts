/** An HTTP answer: its status, and its body parsed as JSON (the text when it is not JSON, undefined when empty). */
export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** A small HTTP client for the system's APIs, as a user would call them with curl. */
export async function call(method: string, url: string, body?: unknown, raw?: string): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}
