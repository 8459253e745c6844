import type { FastifyRequest } from 'fastify';
import type { Consumer } from '../../key-manager/consumers.ts';
import type { StoredObject } from '../../store/state-store.ts';

/** The URL of weir's key manager as the caller reached it: references are absolute, as Barbican's. */
export const keyManagerBase = (request: FastifyRequest): string => `${request.protocol}://${request.host}/v1`;
const apiBase = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

/**
 * Whether the caller asked for microversion 1.1 or later (`OpenStack-API-Version: key-manager 1.1`), where secrets
 * show their consumers; older clients (barbicanclient 5.4) refuse a field they do not know.
 */
function wantsSecretConsumers(request: FastifyRequest): boolean {
  const header = request.headers['openstack-api-version'];
  const match = /key-manager\s+(latest|1\.(\d+))/i.exec(Array.isArray(header) ? header.join(',') : (header ?? ''));
  return match !== null && (match[1] === 'latest' || Number(match[2]) >= 1);
}

export function secretView(request: FastifyRequest, secret: StoredObject, consumers: readonly Consumer[]) {
  const shown = wantsSecretConsumers(request)
    ? {
        consumers: consumers.map((c) => ({
          service: 'weir',
          resource_type: c.resource_type,
          resource_id: c.resource_id,
        })),
      }
    : {};
  return {
    secret_ref: `${keyManagerBase(request)}/secrets/${secret.id}`,
    name: secret.name ?? null,
    status: 'ACTIVE',
    secret_type: secret.secret_type,
    algorithm: secret.algorithm ?? null,
    bit_length: secret.bit_length ?? null,
    mode: secret.mode ?? null,
    expiration: secret.expiration ?? null,
    created: secret.created,
    updated: secret.updated,
    creator_id: secret.creator_id ?? null,
    ...(typeof secret.content_type === 'string' ? { content_types: { default: secret.content_type } } : {}),
    ...shown,
  };
}

export function containerView(request: FastifyRequest, container: StoredObject, consumers: readonly Consumer[]) {
  return {
    container_ref: `${keyManagerBase(request)}/containers/${container.id}`,
    name: container.name ?? null,
    type: container.type,
    status: 'ACTIVE',
    created: container.created,
    updated: container.updated,
    creator_id: container.creator_id ?? null,
    secret_refs: container.secret_refs,
    // Barbican's container consumers: a service name and the consuming resource's URL.
    consumers: consumers.map((c) => ({
      name: 'weir',
      URL: `${apiBase(request)}/v2/lbaas/${c.resource_type}s/${c.resource_id}`,
    })),
  };
}

/** Barbican's paging: `limit` (default 10, at most 100) from `offset`, with `next` and `previous` links. */
export function page<T>(
  request: FastifyRequest,
  collection: string,
  items: readonly T[],
  query: Record<string, string | undefined>,
): { items: T[]; total: number; next?: string; previous?: string } {
  const limit = Math.min(Math.max(intOr(query.limit, 10), 1), 100);
  const offset = Math.max(intOr(query.offset, 0), 0);
  const link = (at: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
    params.set('limit', String(limit));
    params.set('offset', String(at));
    return `${keyManagerBase(request)}/${collection}?${params}`;
  };
  return {
    items: items.slice(offset, offset + limit),
    total: items.length,
    ...(offset + limit < items.length ? { next: link(offset + limit) } : {}),
    ...(offset > 0 ? { previous: link(Math.max(offset - limit, 0)) } : {}),
  };
}

function intOr(text: string | undefined, fallback: number): number {
  const value = text === undefined ? Number.NaN : Number.parseInt(text, 10);
  return Number.isFinite(value) ? value : fallback;
}
