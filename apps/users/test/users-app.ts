import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/platform';
import { testEnv } from '../../../test/support/env';
import { freePort } from '../../../test/support/free-port';
import { loadConfig } from '../src/config';
import { UsersModule } from '../src/users.module';

export type Json = Record<string, unknown>;

export interface Answer<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * The users service in this process, on its real database and broker, trusting its own tokens:
 * AUTH_ISSUER and AUTH_JWKS_URL name the service itself, as they do by default outside tests. Its
 * signing key is made in a temporary key file (AUTH_KEY_FILE), as on a developer machine.
 */
export class UsersApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly url: string,
    readonly env: NodeJS.ProcessEnv,
    private readonly keyDir: string,
  ) {}

  static async start(name: string, extra: Record<string, string> = {}): Promise<UsersApp> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const keyDir = mkdtempSync(join(tmpdir(), 'users-test-key-'));
    const env = testEnv(name, {
      USERS_PORT: String(port),
      AUTH_ISSUER: url,
      AUTH_JWKS_URL: `${url}/.well-known/jwks.json`,
      AUTH_KEY_FILE: join(keyDir, 'signing-key.json'),
      // A cheaper hash than production's 2^14 keeps the suite quick; the cost is a parameter like any other.
      PASSWORD_SCRYPT_LOG_N: '11',
      ...extra,
    });
    const config = loadConfig(env);
    const app = await createService({ config, title: 'Users', description: '', module: UsersModule.forRoot(config) });
    await app.listen(port, '127.0.0.1');
    return new UsersApp(app, url, env, keyDir);
  }

  async close(): Promise<void> {
    await this.app.close();
    rmSync(this.keyDir, { recursive: true, force: true });
  }

  async call<T = Json>(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Registers a new user with a phone of its own; returns what registration answered and the password. */
  async register(name = 'Alice Kumar', phone = newPhone()): Promise<{ id: string; name: string; phone: string; password: string }> {
    const password = `pw-${phone}-secret`;
    const answer = await this.call('POST', '/v1/users', { body: { name, phone, password } });
    expect(answer.status).toBe(201);
    return { ...(answer.body as { id: string; name: string; phone: string }), password };
  }

  async token(phone: string, password: string): Promise<string> {
    const answer = await this.call<{ accessToken: string }>('POST', '/v1/auth/token', { body: { phone, password } });
    expect(answer.status).toBe(200);
    return answer.body.accessToken;
  }

  /** A registered user and their token. */
  async signedIn(name = 'Alice Kumar'): Promise<{ id: string; phone: string; password: string; token: string }> {
    const user = await this.register(name);
    return { ...user, token: await this.token(user.phone, user.password) };
  }
}

let phones = 0;
/** A phone no other test uses: +91 9, then the process id and a counter. */
export function newPhone(): string {
  phones += 1;
  return `+919${String(process.pid % 100000).padStart(5, '0')}${String(phones).padStart(4, '0')}`;
}

/** A VPA no other test uses. */
export const newVpa = (label = 'user') => `${label}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@okbank`;

/** The claims of a JWT, unverified (the tests verify signatures where that is the point). */
export function claimsOf(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Json;
}
