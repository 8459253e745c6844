import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { consumersByObject } from '../../key-manager/consumers.ts';
import { parseReference } from '../../key-manager/secret-reference.ts';
import type { StateStore, StoredObject, StoreReader } from '../../store/state-store.ts';
import { now } from '../octavia/timestamps.ts';
import { projectFor } from './barbican-access.ts';
import { BarbicanFault, containerNotFound, issue } from './barbican-fault.ts';
import { containerView, keyManagerBase, page } from './barbican-views.ts';

type Query = Record<string, string | undefined>;

/** The reference names each container type takes, required ones first; a generic container takes any. */
const NAMES: Record<string, { required: string[]; optional: string[]; refusal: string; minimum: string }> = {
  certificate: {
    required: ['certificate'],
    optional: ['private_key', 'private_key_passphrase', 'intermediates'],
    refusal:
      "only 'private_key', 'certificate' , 'private_key_passphrase',  or 'intermediates' reference names are allowed for Certificate type",
    minimum: "The minimum required reference name is 'certificate' for Certificate type",
  },
  rsa: {
    required: ['public_key', 'private_key'],
    optional: ['private_key_passphrase'],
    refusal: "only 'private_key', 'public_key' and 'private_key_passphrase' reference names are allowed for RSA type",
    minimum: "The minimum required reference names are 'public_key' and'private_key' for RSA type",
  },
};

/** Barbican's containers: named references to secrets of the same project. */
export function containerRoutes(app: FastifyInstance, store: StateStore): void {
  app.get<{ Querystring: Query }>('/containers', async (request) => {
    const projectId = projectFor(request, 'Containers(s) retrieval', 'read');
    return store.read(async (reader) => {
      const consumers = await consumersByObject(reader, projectId);
      const { name, type } = request.query;
      const matching = (await reader.list('secret_container', { project_id: projectId })).filter(
        (c) => (name === undefined || c.name === name) && (type === undefined || c.type === type),
      );
      const { items, ...links } = page(request, 'containers', matching, request.query);
      const view = (c: StoredObject) => containerView(request, c, consumers.get(`secret_container/${c.id}`) ?? []);
      return { containers: items.map(view), ...links };
    });
  });

  app.post('/containers', async (request, reply) => {
    const operation = 'Container creation';
    const projectId = projectFor(request, operation, 'write');
    const container = await store.transaction(async (tx) => {
      const created = await newContainer(tx, operation, request.body, projectId, request.context.userId);
      await tx.insert('secret_container', created);
      return created;
    });
    const ref = `${keyManagerBase(request)}/containers/${container.id}`;
    reply.code(201).header('location', ref);
    return { container_ref: ref };
  });

  app.get<{ Params: { id: string } }>('/containers/:id', async (request) => {
    const projectId = projectFor(request, 'Container retrieval', 'read');
    return store.read(async (reader) => {
      const container = await findContainer(reader, request.params.id, projectId);
      const consumers = await consumersByObject(reader, projectId);
      return containerView(request, container, consumers.get(`secret_container/${container.id}`) ?? []);
    });
  });

  app.delete<{ Params: { id: string } }>('/containers/:id', async (request, reply) => {
    const operation = 'Container deletion';
    const projectId = projectFor(request, operation, 'write');
    await store.transaction(async (tx) => {
      const container = await findContainer(tx, request.params.id, projectId);
      // Barbican deletes a container with consumers; weir knows its consumers are serving it, and keeps it.
      if ((await consumersByObject(tx, projectId)).has(`secret_container/${container.id}`)) {
        throw issue(400, operation, 'Container cannot be deleted as it has consumers');
      }
      await tx.delete('secret_container', container.id);
    });
    reply.code(204);
  });
}

async function findContainer(reader: StoreReader, id: string, projectId: string): Promise<StoredObject> {
  const container = await reader.get('secret_container', id.toLowerCase());
  if (!container || container.project_id !== projectId) throw containerNotFound();
  return container;
}

async function newContainer(
  reader: StoreReader,
  operation: string,
  input: unknown,
  projectId: string,
  userId: string | null,
): Promise<StoredObject> {
  const invalid = (reason: string, property: string) =>
    issue(
      400,
      operation,
      `Provided object does not match schema 'Container': ${reason}. Invalid property: '${property}'`,
    );
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('not an object', 'body');
  const body = input as Record<string, unknown>;
  const type = body.type;
  if (type !== 'generic' && type !== 'certificate' && type !== 'rsa') {
    throw invalid(`${JSON.stringify(type)} is not one of ['generic', 'rsa', 'certificate']`, 'type');
  }
  if (body.name !== undefined && body.name !== null && typeof body.name !== 'string') {
    throw invalid(`${JSON.stringify(body.name)} is not of type 'string'`, 'name');
  }
  const refs = body.secret_refs ?? [];
  if (!Array.isArray(refs)) throw invalid(`${JSON.stringify(refs)} is not of type 'array'`, 'secret_refs');
  const secretRefs = refs.map((entry) => {
    const { name, secret_ref: ref } = (entry ?? {}) as Record<string, unknown>;
    if (typeof ref !== 'string') throw invalid("'secret_ref' is a required property", 'secret_refs');
    return { name: typeof name === 'string' ? name : '', secret_ref: ref };
  });
  const names = new Set(secretRefs.map((r) => r.name));
  if (names.size !== secretRefs.length) throw invalid('Duplicate reference names are not allowed', 'secret_refs');
  const ids = secretRefs.map((r) => parseReference(r.secret_ref));
  if (new Set(ids.map((id) => id?.id)).size !== secretRefs.length) {
    throw invalid('Duplicate secret ids are not allowed', 'secret_refs');
  }
  const rules = NAMES[type];
  if (rules) {
    if ([...names].some((n) => !rules.required.includes(n) && !rules.optional.includes(n))) {
      throw invalid(rules.refusal, 'secret_refs');
    }
    if (!rules.required.every((n) => names.has(n))) throw invalid(rules.minimum, 'secret_refs');
  }
  for (const [index, ref] of secretRefs.entries()) {
    const target = ids[index];
    const secret = target?.kind === 'secret' ? await reader.get('secret', target.id) : undefined;
    if (!secret || secret.project_id !== projectId) {
      throw new BarbicanFault(404, `Secret provided for '${ref.name}' doesn't exist.`);
    }
  }
  const time = now();
  return {
    id: randomUUID(),
    project_id: projectId,
    name: typeof body.name === 'string' ? body.name : null,
    type,
    secret_refs: secretRefs,
    creator_id: userId,
    created: time,
    updated: time,
  };
}
