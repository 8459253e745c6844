import type { FastifyInstance } from 'fastify';
import type { StateStore } from '../../store/state-store.ts';
import { projectFor } from './barbican-access.ts';
import { containerNotFound, secretNotFound } from './barbican-fault.ts';

/**
 * Barbican's ACL of a secret or container, read only: weir shares nothing beyond the project, so every object
 * answers Barbican's default, read access for the whole project. Terraform reads it after each create.
 */
export function projectOnlyAclRoutes(app: FastifyInstance, store: StateStore): void {
  for (const [collection, kind, missing] of [
    ['secrets', 'secret', secretNotFound],
    ['containers', 'secret_container', containerNotFound],
  ] as const) {
    app.get<{ Params: { id: string } }>(`/${collection}/:id/acl`, async (request) => {
      const projectId = projectFor(request, 'ACL(s) retrieval', 'read');
      const object = await store.read((reader) => reader.get(kind, request.params.id.toLowerCase()));
      if (!object || object.project_id !== projectId) throw missing();
      return { read: { 'project-access': true } };
    });
  }
}
