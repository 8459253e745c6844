import type { FastifyInstance } from 'fastify';
import type { RequestContext } from '../request-context.ts';

/**
 * Octavia's noauth mode: the project comes from `X-Project-Id`. The bare `openstack --os-auth-type none` CLI sends
 * none, so requests without one act for a configured default project instead of failing. Every noauth caller is an
 * administrator, as with Octavia, so the policy grants everything.
 */
export function registerNoauth(app: FastifyInstance, defaultProjectId: string): void {
  app.decorateRequest('context', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    const header = request.headers['x-project-id'];
    const projectId = (Array.isArray(header) ? header[0] : header)?.trim() || defaultProjectId;
    request.context = {
      projectId,
      userId: null,
      userName: null,
      roles: ['admin'],
      systemScope: null,
      isAdmin: true,
      action: null,
      allows: () => true,
      authorize: () => {},
    };
  });
}
