import { ClientError } from './client-errors.ts';
import { type CatalogService, keystonePasswordLogin } from './keystone-login.ts';
import { OctaviaClient } from './octavia-client.ts';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:9876';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * A client configured the way the OpenStack CLI reads its `OS_*` variables:
 * - `OS_TOKEN`: that Keystone token;
 * - `OS_AUTH_URL` with `OS_USERNAME` and `OS_PASSWORD`: a Keystone v3 password login, scoped by `OS_PROJECT_ID` or
 *   `OS_PROJECT_NAME` (with `OS_PROJECT_DOMAIN_NAME`/`_ID`), the user in `OS_USER_DOMAIN_NAME`/`_ID`;
 * - else (or with `OS_AUTH_TYPE=none`) weir's noauth mode, acting for `OS_PROJECT_ID` when set.
 * The endpoint is `endpoint` (--os-endpoint), else `OS_ENDPOINT`, else the catalog's `load-balancer` endpoint after a
 * login (`OS_INTERFACE`, default public, and `OS_REGION_NAME`), else weir's default address.
 */
export async function connectFromEnvironment(env: Environment, endpoint?: string): Promise<OctaviaClient> {
  const chosen = endpoint ?? nonEmpty(env.OS_ENDPOINT);
  const noauth = env.OS_AUTH_TYPE === 'none';
  const token = nonEmpty(env.OS_TOKEN);
  if (token && !noauth) return clientAt(chosen ?? DEFAULT_ENDPOINT, { 'x-auth-token': token });
  const authUrl = nonEmpty(env.OS_AUTH_URL);
  if (authUrl && !noauth) {
    const username = nonEmpty(env.OS_USERNAME);
    const password = env.OS_PASSWORD;
    if (!username || password === undefined) {
      throw new ClientError('OS_AUTH_URL is set: OS_USERNAME and OS_PASSWORD are needed for a Keystone login');
    }
    const projectId = nonEmpty(env.OS_PROJECT_ID);
    const projectName = nonEmpty(env.OS_PROJECT_NAME);
    const login = await keystonePasswordLogin({
      authUrl,
      username,
      password,
      userDomain: { name: nonEmpty(env.OS_USER_DOMAIN_NAME), id: nonEmpty(env.OS_USER_DOMAIN_ID) },
      project:
        projectId || projectName
          ? {
              id: projectId,
              name: projectName,
              domain: { name: nonEmpty(env.OS_PROJECT_DOMAIN_NAME), id: nonEmpty(env.OS_PROJECT_DOMAIN_ID) },
            }
          : undefined,
    });
    const fromCatalog = catalogEndpoint(login.catalog, env.OS_INTERFACE ?? 'public', nonEmpty(env.OS_REGION_NAME));
    return clientAt(chosen ?? fromCatalog ?? DEFAULT_ENDPOINT, { 'x-auth-token': login.token });
  }
  const project = nonEmpty(env.OS_PROJECT_ID);
  return clientAt(chosen ?? DEFAULT_ENDPOINT, project ? { 'x-project-id': project } : {});
}

function clientAt(endpoint: string, headers: Record<string, string>): OctaviaClient {
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new ClientError(`the endpoint "${endpoint}" is not an http(s) URL (OS_ENDPOINT, --os-endpoint)`);
  }
  return new OctaviaClient(endpoint, headers);
}

/** The URL of the `load-balancer` service for this interface (and region, when given). */
export function catalogEndpoint(catalog: CatalogService[], iface: string, region?: string): string | undefined {
  const service = catalog.find((entry) => entry.type === 'load-balancer');
  const wanted = iface.replace(/URL$/, '');
  const endpoint = service?.endpoints.find(
    (candidate) =>
      candidate.interface === wanted && (region === undefined || (candidate.region_id ?? candidate.region) === region),
  );
  return endpoint?.url;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
