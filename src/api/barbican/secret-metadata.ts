import type { FastifyInstance } from 'fastify';
import type { StateStore } from '../../store/state-store.ts';
import { now } from '../octavia/timestamps.ts';
import { type Need, projectFor } from './barbican-access.ts';
import { BarbicanFault, issue } from './barbican-fault.ts';
import { keyManagerBase } from './barbican-views.ts';
import { findSecret } from './secrets.ts';

type Metadata = Record<string, string>;
type Params = { id: string; key: string };

/**
 * Barbican's user metadata of a secret, which Terraform's openstack_keymanager_secret_v1 reads and writes: string
 * pairs, keys lower-cased as Barbican stores them, kept on the secret's object (not secret themselves).
 */
export function secretMetadataRoutes(app: FastifyInstance, store: StateStore): void {
  const operation = 'Secret metadata';
  const change = async (id: string, projectId: string, edit: (metadata: Metadata) => Metadata): Promise<void> =>
    store.transaction(async (tx) => {
      const secret = await findSecret(tx, id, projectId);
      const metadata = edit({ ...((secret.metadata ?? {}) as Metadata) });
      await tx.update('secret', { ...secret, metadata, updated: now() });
    });
  const project = (request: Parameters<typeof projectFor>[0], need: Need) => projectFor(request, operation, need);

  app.get<{ Params: Params }>('/secrets/:id/metadata', async (request) => {
    const secret = await store.read((r) => findSecret(r, request.params.id, project(request, 'read')));
    return { metadata: secret.metadata ?? {} };
  });

  app.put<{ Params: Params }>('/secrets/:id/metadata', async (request, reply) => {
    const metadata = pairs((request.body as { metadata?: unknown } | undefined)?.metadata);
    await change(request.params.id, project(request, 'write'), () => metadata);
    reply.code(201);
    return { metadata_ref: `${keyManagerBase(request)}/secrets/${request.params.id}/metadata` };
  });

  app.post<{ Params: Params }>('/secrets/:id/metadata', async (request, reply) => {
    const { key, value } = pair(request.body);
    await change(request.params.id, project(request, 'write'), (metadata) => {
      if (key in metadata) throw new BarbicanFault(409, `Conflict. Key in request is already in the secret metadata`);
      return { ...metadata, [key]: value };
    });
    reply.code(201);
    return { key, value };
  });

  app.get<{ Params: Params }>('/secrets/:id/metadata/:key', async (request) => {
    const secret = await store.read((r) => findSecret(r, request.params.id, project(request, 'read')));
    const key = request.params.key.toLowerCase();
    const value = ((secret.metadata ?? {}) as Metadata)[key];
    if (value === undefined) throw new BarbicanFault(404, 'Secret metadata not found.');
    return { key, value };
  });

  app.put<{ Params: Params }>('/secrets/:id/metadata/:key', async (request) => {
    const { key, value } = pair(request.body);
    if (key !== request.params.key.toLowerCase())
      throw issue(400, operation, 'Key in request data does not match key in the request url');
    await change(request.params.id, project(request, 'write'), (metadata) => {
      if (!(key in metadata)) throw new BarbicanFault(404, 'Secret metadata not found.');
      return { ...metadata, [key]: value };
    });
    return { key, value };
  });

  app.delete<{ Params: Params }>('/secrets/:id/metadata/:key', async (request, reply) => {
    const key = request.params.key.toLowerCase();
    await change(request.params.id, project(request, 'write'), (metadata) => {
      if (!(key in metadata)) throw new BarbicanFault(404, 'Secret metadata not found.');
      const { [key]: _gone, ...rest } = metadata;
      return rest;
    });
    reply.code(204);
  });
}

function pairs(value: unknown): Metadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw issue(
      400,
      'Secret metadata',
      "Provided object does not match schema 'Secret Metadata': 'metadata' is a required property",
    );
  }
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.toLowerCase(), String(v)]));
}

function pair(body: unknown): { key: string; value: string } {
  const { key, value } = (body ?? {}) as { key?: unknown; value?: unknown };
  if (typeof key !== 'string' || typeof value !== 'string' || key === '') {
    throw issue(
      400,
      'Secret metadatum',
      "Provided object does not match schema 'Secret Metadatum': 'key' and 'value' are required",
    );
  }
  return { key: key.toLowerCase(), value };
}
