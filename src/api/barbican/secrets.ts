import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consumersByObject } from '../../key-manager/consumers.ts';
import type { SecretVault } from '../../key-manager/secret-vault.ts';
import type { StateStore, StoredObject, StoreReader } from '../../store/state-store.ts';
import { now } from '../octavia/timestamps.ts';
import { projectFor } from './barbican-access.ts';
import { BarbicanFault, issue, secretNotFound } from './barbican-fault.ts';
import { keyManagerBase, page, secretView } from './barbican-views.ts';
import { CONTENT_TYPES, decodePayload, normaliseContentType } from './payload-input.ts';

const SECRET_TYPES = ['symmetric', 'public', 'private', 'passphrase', 'certificate', 'opaque'];
type Query = Record<string, string | undefined>;

/** Barbican's secrets: metadata as an object of the store, the payload sealed beside it (SecretVault). */
export function secretRoutes(app: FastifyInstance, store: StateStore, vault: SecretVault): void {
  app.get<{ Querystring: Query }>('/secrets', async (request) => {
    const projectId = projectFor(request, 'Secret(s) retrieval', 'read');
    return store.read(async (reader) => {
      const consumers = await consumersByObject(reader, projectId);
      const { name, secret_type: type } = request.query;
      const matching = (await reader.list('secret', { project_id: projectId })).filter(
        (s) => (name === undefined || s.name === name) && (type === undefined || s.secret_type === type),
      );
      const { items, ...links } = page(request, 'secrets', matching, request.query);
      return { secrets: items.map((s) => secretView(request, s, consumers.get(`secret/${s.id}`) ?? [])), ...links };
    });
  });

  app.post('/secrets', async (request, reply) => {
    const operation = 'Secret creation';
    const projectId = projectFor(request, operation, 'write');
    const { secret, payload } = newSecret(operation, request.body, projectId, request.context.userId);
    await store.transaction(async (tx) => {
      await tx.insert('secret', secret);
      if (payload) await tx.setSecretPayload(secret.id, vault.seal(secret.id, payload));
    });
    const ref = `${keyManagerBase(request)}/secrets/${secret.id}`;
    reply.code(201).header('location', ref);
    return { secret_ref: ref };
  });

  app.get<{ Params: { id: string } }>('/secrets/:id', async (request, reply) => {
    // Asking for anything but JSON asks for the payload, as Barbican's older clients do.
    if (!acceptsJson(request)) return sendPayload(request, reply, store, vault, 'Secret retrieval');
    const projectId = projectFor(request, 'Secret retrieval', 'read');
    return store.read(async (reader) => {
      const secret = await findSecret(reader, request.params.id, projectId);
      const consumers = await consumersByObject(reader, projectId);
      return secretView(request, secret, consumers.get(`secret/${secret.id}`) ?? []);
    });
  });

  app.get<{ Params: { id: string } }>('/secrets/:id/payload', (request, reply) =>
    sendPayload(request, reply, store, vault, 'Secret payload retrieval'),
  );

  // The second step of a two-step secret: the payload in the body, its type in Content-Type.
  app.put<{ Params: { id: string } }>('/secrets/:id', async (request, reply) => {
    const operation = 'Secret update';
    const projectId = projectFor(request, operation, 'write');
    const contentType = normaliseContentType(String(request.headers['content-type'] ?? ''));
    if (contentType === undefined) {
      throw issue(415, operation, `Content-Type of '${request.headers['content-type']}' is not supported for PUT`);
    }
    const body = request.body instanceof Buffer ? request.body : Buffer.alloc(0);
    if (body.length === 0) throw issue(400, operation, 'No data supplied to process');
    const encoding = request.headers['content-encoding'];
    const payload =
      contentType === 'text/plain' || encoding === undefined
        ? body
        : decodePayload(operation, body.toString('latin1'), contentType, String(encoding));
    await store.transaction(async (tx) => {
      const secret = await findSecret(tx, request.params.id, projectId);
      if (await tx.secretPayload(secret.id)) throw new BarbicanFault(409, 'Secret already has data, cannot modify it.');
      await tx.update('secret', { ...secret, content_type: contentType, updated: now() });
      await tx.setSecretPayload(secret.id, vault.seal(secret.id, payload));
    });
    reply.code(204);
  });

  app.delete<{ Params: { id: string } }>('/secrets/:id', async (request, reply) => {
    const operation = 'Secret deletion';
    const projectId = projectFor(request, operation, 'write');
    await store.transaction(async (tx) => {
      const secret = await findSecret(tx, request.params.id, projectId);
      if ((await consumersByObject(tx, projectId)).has(`secret/${secret.id}`)) {
        throw issue(400, operation, 'Secret cannot be deleted as it has consumers');
      }
      await tx.delete('secret', secret.id);
      vault.forget(secret.id);
    });
    reply.code(204);
  });
}

/** A secret of the project, or Barbican's 404: another project's secret is one that does not exist. */
export async function findSecret(reader: StoreReader, id: string, projectId: string): Promise<StoredObject> {
  const secret = await reader.get('secret', id.toLowerCase());
  if (!secret || secret.project_id !== projectId) throw secretNotFound();
  return secret;
}

function newSecret(
  operation: string,
  input: unknown,
  projectId: string,
  userId: string | null,
): { secret: StoredObject; payload: Buffer | undefined } {
  const body = (input ?? {}) as Record<string, unknown>;
  const invalid = (reason: string, property: string) =>
    issue(400, operation, `Provided object does not match schema 'Secret': ${reason}. Invalid property: '${property}'`);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('not an object', 'body');
  const text = (field: string): string | undefined => {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalid(`${JSON.stringify(value)} is not of type 'string'`, field);
    return value;
  };
  const secretType = text('secret_type') ?? 'opaque';
  if (!SECRET_TYPES.includes(secretType)) throw invalid(`'${secretType}' is not one of ${SECRET_TYPES}`, 'secret_type');
  const bitLength = body.bit_length;
  if (bitLength !== undefined && bitLength !== null && !(Number.isInteger(bitLength) && (bitLength as number) > 0)) {
    throw invalid(`${bitLength} is not a positive integer`, 'bit_length');
  }
  const expiration = text('expiration')?.trim() || undefined;
  if (expiration !== undefined) {
    const at = Date.parse(expiration);
    if (Number.isNaN(at)) throw invalid("Invalid date for 'expiration'", 'expiration');
    if (at <= Date.now()) throw invalid("'expiration' is before current time", 'expiration');
  }
  const rawType = text('payload_content_type');
  const payloadText = text('payload');
  let contentType: string | undefined;
  let payload: Buffer | undefined;
  if (payloadText !== undefined) {
    if (rawType === undefined) {
      throw invalid("If 'payload' is supplied, 'payload_content_type' must also be supplied.", 'payload_content_type');
    }
    contentType = normaliseContentType(rawType);
    if (!contentType) throw invalid(`payload_content_type is not one of ${CONTENT_TYPES}`, 'payload_content_type');
    if (payloadText.trim() === '') throw invalid("If 'payload' specified, must be non empty", 'payload');
    payload = decodePayload(operation, payloadText, contentType, text('payload_content_encoding'));
  } else if (rawType !== undefined) {
    throw invalid('payload must be provided when payload_content_type is specified', 'payload');
  }
  const time = now();
  return {
    secret: {
      id: randomUUID(),
      project_id: projectId,
      name: text('name')?.trim() ?? null,
      secret_type: secretType,
      algorithm: text('algorithm') ?? null,
      bit_length: bitLength ?? null,
      mode: text('mode') ?? null,
      expiration: expiration === undefined ? null : new Date(expiration).toISOString().replace(/\.\d+Z$/, ''),
      content_type: contentType ?? null,
      creator_id: userId,
      created: time,
      updated: time,
    },
    payload,
  };
}

async function sendPayload(
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  store: StateStore,
  vault: SecretVault,
  operation: string,
): Promise<Buffer> {
  const projectId = projectFor(request, operation, 'decrypt');
  const { secret, payload } = await store.read(async (reader) => {
    const found = await findSecret(reader, request.params.id, projectId);
    return { secret: found, payload: await vault.payload(reader, found.id) };
  });
  if (payload === undefined) throw new BarbicanFault(404, 'Not Found. Sorry but your secret has no payload.');
  const stored = String(secret.content_type);
  // The payload's bytes in whichever supported type the caller asks: `openstack secret get --payload` asks for
  // text/plain whatever was stored.
  const wanted = acceptedTypes(request).find((type) => type === '*/*' || CONTENT_TYPES.includes(type));
  if (wanted === undefined) throw issue(406, operation, 'Wrong payload content-type');
  // Key material: no intermediary may keep a copy.
  reply.header('cache-control', 'no-store').type(wanted === '*/*' ? stored : wanted);
  return payload;
}

function acceptedTypes(request: FastifyRequest): string[] {
  const accept = request.headers.accept;
  if (!accept) return ['*/*'];
  return accept.split(',').map((part) => normaliseContentType(part) ?? part.split(';')[0]!.trim().toLowerCase());
}

function acceptsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return !accept || /application\/json|\*\/\*/.test(accept);
}
