import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher, request } from 'undici';
import type { Identity } from '../../request-context.ts';

/** The `keystone` section of the config: weir's service credentials and how to reach Keystone. */
export interface KeystoneSettings {
  auth_url: string;
  username: string;
  password: string;
  project_name: string;
  user_domain_name: string;
  project_domain_name: string;
  http_timeout: number;
  cafile?: string;
}

/** A token Keystone vouched for: who it speaks for, and until when. */
export interface ValidatedToken {
  identity: Omit<Identity, 'isAdmin'>;
  expiresAt: number;
}

/** Keystone could not be asked (down, slow, or refusing weir's own credentials): the caller gets 503, not 401. */
export class KeystoneUnavailable extends Error {}

interface TokenBody {
  token?: {
    expires_at?: string;
    user?: { id?: string; name?: string };
    project?: { id?: string };
    system?: { all?: boolean };
    roles?: { name?: string }[];
  };
}

/**
 * Validates callers' tokens the way keystonemiddleware does: with a token of weir's own service user,
 * `GET /v3/auth/tokens` with the caller's token as `X-Subject-Token`. 404 means invalid, expired or revoked.
 */
export class KeystoneClient {
  private readonly base: string;
  private readonly dispatcher: Dispatcher;
  private serviceToken: Promise<{ token: string; expiresAt: number }> | undefined;

  constructor(private readonly settings: KeystoneSettings) {
    this.base = settings.auth_url.replace(/\/+$/, '');
    this.dispatcher = new Agent({
      connect: settings.cafile ? { ca: readFileSync(settings.cafile) } : {},
      headersTimeout: settings.http_timeout * 1000,
      bodyTimeout: settings.http_timeout * 1000,
    });
  }

  /** The token's identity, or null when Keystone says it is not (or no longer) valid. */
  async validate(token: string): Promise<ValidatedToken | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const service = await this.currentServiceToken();
      const response = await this.call('GET', '/auth/tokens?nocatalog', {
        'x-auth-token': service,
        'x-subject-token': token,
      });
      if (response.status === 200) return parseToken(response.body as TokenBody);
      if (response.status === 404) return null;
      // Our own token expired or was revoked under us: fetch a new one once, then give up.
      if (response.status === 401 && attempt === 0) {
        this.serviceToken = undefined;
        continue;
      }
      throw new KeystoneUnavailable(`Keystone answered ${response.status} to a token validation`);
    }
    throw new KeystoneUnavailable('Keystone refuses weir’s service credentials');
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async currentServiceToken(): Promise<string> {
    const current = this.serviceToken ? await this.serviceToken.catch(() => undefined) : undefined;
    if (current && current.expiresAt - Date.now() > 60_000) return current.token;
    this.serviceToken = this.issueServiceToken();
    try {
      return (await this.serviceToken).token;
    } catch (error) {
      this.serviceToken = undefined;
      throw error;
    }
  }

  private async issueServiceToken(): Promise<{ token: string; expiresAt: number }> {
    const s = this.settings;
    const response = await this.call(
      'POST',
      '/auth/tokens?nocatalog',
      { 'content-type': 'application/json' },
      {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: s.username, password: s.password, domain: { name: s.user_domain_name } } },
          },
          scope: { project: { name: s.project_name, domain: { name: s.project_domain_name } } },
        },
      },
    );
    const token = response.headers['x-subject-token'];
    if (response.status !== 201 || typeof token !== 'string') {
      throw new KeystoneUnavailable(`Keystone refused weir's service credentials (${response.status})`);
    }
    const expiresAt = Date.parse((response.body as TokenBody).token?.expires_at ?? '');
    return { token, expiresAt: Number.isNaN(expiresAt) ? Date.now() + 300_000 : expiresAt };
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }> {
    try {
      const response = await request(this.base + path, {
        method,
        headers: { accept: 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.settings.http_timeout * 1000),
      });
      const text = await response.body.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      return { status: response.statusCode, headers: response.headers, body: parsed };
    } catch (error) {
      throw new KeystoneUnavailable(`Keystone at ${this.base} cannot be reached: ${(error as Error).message}`);
    }
  }
}

function parseToken(body: TokenBody): ValidatedToken | null {
  const token = body.token;
  const expiresAt = Date.parse(token?.expires_at ?? '');
  if (!token || Number.isNaN(expiresAt) || expiresAt <= Date.now()) return null;
  return {
    expiresAt,
    identity: {
      projectId: token.project?.id ?? null,
      userId: token.user?.id ?? null,
      userName: token.user?.name ?? null,
      roles: (token.roles ?? []).flatMap((role) => (role.name ? [role.name.toLowerCase()] : [])),
      systemScope: token.system?.all ? 'all' : null,
    },
  };
}
