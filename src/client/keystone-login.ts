import { ApiError, ClientError } from './client-errors.ts';
import { httpExchange } from './http-exchange.ts';
import { faultOf, parseJsonObject } from './response-body.ts';

/** A domain or project given by name or by id, as the OS_*_NAME and OS_*_ID variables give them. */
export interface NameOrId {
  name?: string;
  id?: string;
}

export interface PasswordLogin {
  authUrl: string;
  username: string;
  password: string;
  userDomain: NameOrId;
  /** The project to scope the token to; with a name, its domain too. */
  project?: NameOrId & { domain?: NameOrId };
}

export interface CatalogService {
  type: string;
  endpoints: { interface: string; region?: string; region_id?: string; url: string }[];
}

export interface KeystoneToken {
  token: string;
  catalog: CatalogService[];
}

/** Keystone v3 password authentication: the token comes in `X-Subject-Token`, the service catalog in the body. */
export async function keystonePasswordLogin(login: PasswordLogin, timeoutMs = 30_000): Promise<KeystoneToken> {
  const url = `${v3Url(login.authUrl)}/auth/tokens`;
  const scope = login.project ? { project: projectScope(login.project) } : undefined;
  const body = {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: login.username, domain: nameOrId(login.userDomain), password: login.password } },
      },
      ...(scope ? { scope } : {}),
    },
  };
  const answer = await httpExchange(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    timeoutMs,
    peer: { service: 'Keystone', endpoint: url, hint: ' (OS_AUTH_URL)' },
  });
  if (answer.status >= 300) {
    throw new ApiError(answer.status, `Keystone refused the login of ${login.username}: ${faultOf(answer.text)}`);
  }
  const token = answer.headers['x-subject-token'];
  if (typeof token !== 'string') throw new ClientError(`Keystone at ${url} answered without an X-Subject-Token header`);
  const catalog = (parseJsonObject(answer.text)?.token as { catalog?: CatalogService[] } | undefined)?.catalog ?? [];
  return { token, catalog };
}

/** OS_AUTH_URL is often given without its version (`http://keystone:5000`). */
function v3Url(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return base.endsWith('/v3') ? base : `${base}/v3`;
}

/** Neither name nor id: Keystone's own `default` domain, as the OpenStack CLI assumes. */
function nameOrId(value: NameOrId): NameOrId {
  if (value.id) return { id: value.id };
  return value.name ? { name: value.name } : { id: 'default' };
}

function projectScope(project: NonNullable<PasswordLogin['project']>) {
  if (project.id) return { id: project.id };
  return { name: project.name, domain: nameOrId(project.domain ?? {}) };
}
