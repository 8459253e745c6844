import type { FastifyRequest } from 'fastify';
import type { Identity } from '../request-context.ts';

/**
 * Octavia's noauth mode: the project comes from `X-Project-Id`. The bare `openstack --os-auth-type none` CLI sends
 * none, so requests without one act for a configured default project instead of failing. Every noauth caller is an
 * administrator, as with Octavia.
 */
export function noauthIdentity(defaultProjectId: string): (request: FastifyRequest) => Promise<Identity> {
  return async (request) => {
    const header = request.headers['x-project-id'];
    const projectId = (Array.isArray(header) ? header[0] : header)?.trim() || defaultProjectId;
    return { projectId, userId: null, userName: null, roles: ['admin'], systemScope: null, isAdmin: true };
  };
}
