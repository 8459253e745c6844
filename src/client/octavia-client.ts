import { ApiError } from './client-errors.ts';
import { type Collection, collectionPath } from './collections.ts';
import { httpExchange, type Peer } from './http-exchange.ts';
import { faultOf, parseJsonObject } from './response-body.ts';

export type Json = Record<string, unknown>;
/** Query parameters in order; a key may repeat (`fields=id&fields=name`). */
export type Query = ReadonlyArray<readonly [string, string]>;

/** Pages followed for one list at most: 1,000 pages of the API's default 1,000 objects. */
const MAX_PAGES = 1000;

/**
 * The Octavia v2 API over HTTP: wrapped bodies in and out, lists followed through their `next` links, errors as
 * ApiError (with the faultstring) or EndpointUnreachable.
 */
export class OctaviaClient {
  constructor(
    readonly endpoint: string,
    private readonly headers: Readonly<Record<string, string>>,
    private readonly timeoutMs = 30_000,
  ) {}

  private get peer(): Peer {
    return {
      service: 'weir',
      endpoint: this.endpoint,
      hint: '; is `weir serve` running there? (OS_ENDPOINT, --os-endpoint)',
    };
  }

  /** Every object of a collection that matches `query`, across pages. */
  async list(collection: Collection, options: { parent?: string; query?: Query } = {}): Promise<Json[]> {
    const path = collectionPath(collection, options.parent);
    const objects: Json[] = [];
    let query: Query = options.query ?? [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = (await this.request('GET', path, { query })) ?? {};
      objects.push(...((body[collection.listKey] as Json[] | undefined) ?? []));
      const next = nextPageQuery(body[`${collection.listKey}_links`]);
      if (next === undefined) return objects;
      query = next;
    }
    return objects;
  }

  async show(collection: Collection, id: string, parent?: string): Promise<Json> {
    const body = await this.request('GET', `${collectionPath(collection, parent)}/${encodeURIComponent(id)}`);
    return unwrap(body, collection);
  }

  async create(collection: Collection, fields: Json, parent?: string): Promise<Json> {
    const body = await this.request('POST', collectionPath(collection, parent), { body: { [collection.key]: fields } });
    return unwrap(body, collection);
  }

  async update(collection: Collection, id: string, fields: Json, parent?: string): Promise<Json> {
    const path = `${collectionPath(collection, parent)}/${encodeURIComponent(id)}`;
    return unwrap(await this.request('PUT', path, { body: { [collection.key]: fields } }), collection);
  }

  async remove(collection: Collection, id: string, options: { parent?: string; query?: Query } = {}): Promise<void> {
    const path = `${collectionPath(collection, options.parent)}/${encodeURIComponent(id)}`;
    await this.request('DELETE', path, { query: options.query });
  }

  /** One request; resolves with the parsed body (undefined for an empty one) or rejects with what went wrong. */
  async request(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<Json | undefined> {
    const url = new URL(`${this.endpoint.replace(/\/+$/, '')}${path}`);
    for (const [key, value] of options.query ?? []) url.searchParams.append(key, value);
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const answer = await httpExchange(url, { method, headers, body, timeoutMs: this.timeoutMs, peer: this.peer });
    if (answer.status >= 300) throw new ApiError(answer.status, faultOf(answer.text));
    return parseJsonObject(answer.text);
  }
}

function unwrap(body: Json | undefined, collection: Collection): Json {
  const object = body?.[collection.key];
  if (typeof object !== 'object' || object === null) {
    throw new Error(`the API answered without a "${collection.key}" object: ${JSON.stringify(body)}`);
  }
  return object as Json;
}

/** The query of a `rel: next` link, to ask the same path for the next page. */
function nextPageQuery(links: unknown): Query | undefined {
  if (!Array.isArray(links)) return undefined;
  const next = links.find((link: Json) => link?.rel === 'next') as Json | undefined;
  if (typeof next?.href !== 'string') return undefined;
  return [...new URL(next.href).searchParams.entries()];
}
