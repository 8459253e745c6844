/**
 * A stand-in for Keystone's token API, answering with the bodies recorded from the real Keystone in
 * test/fixtures/keystone, re-filled with the project, user and roles a test asks for. Tests that need Keystone's
 * behaviour beyond token issue and validation use the real one (test/e2e/support/local-keystone.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

interface Recorded {
  response: { status: number; headers: Record<string, string>; body: unknown };
}

const recorded = (name: string): Recorded =>
  JSON.parse(readFileSync(new URL(`../fixtures/keystone/${name}.json`, import.meta.url), 'utf8')) as Recorded;

const VALID = recorded('project-token-validate').response.body as { token: Record<string, unknown> };
const NOT_FOUND = recorded('revoked-token-validate').response.body;
const UNAUTHORIZED = recorded('invalid-service-token-validate').response.body;

export interface TokenSpec {
  /** Omitted with `system`: a system-scoped token has no project. */
  projectId?: string;
  roles: readonly string[];
  userName?: string;
  system?: boolean;
  /** Default one hour. */
  expiresInMs?: number;
}

export class FakeKeystone {
  /** GET /v3/auth/tokens calls received: what a token cache saves. */
  validations = 0;
  private readonly tokens = new Map<string, Record<string, unknown>>();
  private readonly serviceTokens = new Set<string>();
  private readonly users = new Map<string, { password: string; spec: TokenSpec }>();
  /** The bodies of the password logins received, to check what a client sent. */
  readonly logins: PasswordAuth[] = [];
  /** The service catalog a user's login answers with (Keystone's `token.catalog`). */
  catalog: unknown[] = [];
  private down = false;

  private constructor(
    private readonly server: Server,
    readonly serviceUser: { username: string; password: string },
  ) {}

  /** With `tls`, Keystone answers over HTTPS with that certificate. */
  static async start(tls?: { cert: string; key: string }): Promise<FakeKeystone> {
    const server = tls
      ? createHttpsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) })
      : createServer();
    const keystone = new FakeKeystone(server, { username: 'weir', password: `pw-${randomUUID()}` });
    server.on('request', (request, response) => keystone.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return keystone;
  }

  get url(): string {
    const scheme = this.server instanceof HttpsServer ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}/v3`;
  }

  /** The `keystone:` section of a weir config that trusts this Keystone. */
  configYaml(tokenCacheTime = 300, cafile?: string): string {
    return [
      'keystone:',
      ...(cafile ? [`  cafile: ${cafile}`] : []),
      `  auth_url: ${this.url}`,
      `  username: ${this.serviceUser.username}`,
      `  password: ${this.serviceUser.password}`,
      '  project_name: service',
      `  token_cache_time: ${tokenCacheTime}`,
      '  http_timeout: 2',
    ].join('\n');
  }

  issue(spec: TokenSpec): string {
    const token = `gAAAAA${randomBytes(96).toString('base64url')}`;
    const now = Date.now();
    const body: Record<string, unknown> = {
      ...VALID.token,
      user: {
        domain: { id: 'default', name: 'Default' },
        id: randomUUID().replaceAll('-', ''),
        name: spec.userName ?? 'user',
      },
      issued_at: new Date(now).toISOString(),
      expires_at: new Date(now + (spec.expiresInMs ?? 3_600_000)).toISOString(),
      roles: spec.roles.map((name) => ({ id: randomUUID().replaceAll('-', ''), name })),
    };
    delete body.catalog;
    if (spec.system) {
      delete body.project;
      body.system = { all: true };
    } else {
      body.project = { domain: { id: 'default', name: 'Default' }, id: spec.projectId, name: 'project' };
    }
    this.tokens.set(token, body);
    return token;
  }

  /** A user who logs in with a password and gets a token as `spec` describes. */
  addUser(username: string, password: string, spec: TokenSpec): void {
    this.users.set(username, { password, spec: { ...spec, userName: username } });
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  /** Invalidates weir's own service tokens, as a Keystone restart with rotated keys would. */
  forgetServiceTokens(): void {
    this.serviceTokens.clear();
  }

  /** While down, every request is answered 500, as a Keystone whose database is gone answers. */
  setDown(down: boolean): void {
    this.down = down;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = (request.url ?? '').split('?')[0];
    if (this.down)
      return send(response, 500, { error: { code: 500, title: 'Internal Server Error', message: 'down' } });
    if (path !== '/v3/auth/tokens') return send(response, 404, NOT_FOUND);
    if (request.method === 'POST') return this.passwordLogin(JSON.parse(Buffer.concat(chunks).toString()), response);
    if (request.method !== 'GET') return send(response, 405, NOT_FOUND);
    this.validations++;
    if (!this.serviceTokens.has(String(request.headers['x-auth-token']))) {
      return send(response, 401, UNAUTHORIZED, { 'www-authenticate': `Keystone uri="${this.url}"` });
    }
    const subject = String(request.headers['x-subject-token']);
    const body = this.tokens.get(subject);
    if (!body || Date.parse(body.expires_at as string) <= Date.now()) return send(response, 404, NOT_FOUND);
    send(response, 200, { token: body }, { 'x-subject-token': subject });
  }

  /** weir's own service login, or a user's, whose token comes with the catalog. */
  private passwordLogin(body: PasswordAuth, response: ServerResponse): void {
    this.logins.push(body);
    const user = body.auth?.identity?.password?.user;
    if (user?.name === this.serviceUser.username && user.password === this.serviceUser.password) {
      const token = this.issue({ projectId: 'f'.repeat(32), roles: ['service'], userName: user.name });
      this.serviceTokens.add(token);
      send(response, 201, { token: this.tokens.get(token) }, { 'x-subject-token': token });
      return;
    }
    const known = this.users.get(String(user?.name));
    if (known === undefined || known.password !== user?.password) {
      send(response, 401, UNAUTHORIZED);
      return;
    }
    const token = this.issue(known.spec);
    send(response, 201, { token: { ...this.tokens.get(token), catalog: this.catalog } }, { 'x-subject-token': token });
  }
}

export interface PasswordAuth {
  auth?: {
    identity?: { password?: { user?: { name?: string; password?: string; domain?: unknown } } };
    scope?: unknown;
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
