import type { FastifyRequest } from 'fastify';
import { BarbicanFault } from './barbican-fault.ts';

/** What a route does with the project's key manager objects. */
export type Need = 'read' | 'write' | 'decrypt';

/**
 * Roles that grant each need, after Barbican's defaults (its `creator` and `observer` roles included): reading
 * metadata needs a reader, storing, deleting and reading payloads a member. Keystone puts implied roles in the
 * token, so `admin` and `member` also carry `reader`.
 */
const ROLES: Record<Need, readonly string[]> = {
  read: ['reader', 'observer', 'audit', 'member', 'creator', 'admin'],
  write: ['member', 'creator', 'admin'],
  decrypt: ['member', 'creator', 'admin'],
};

/**
 * The caller's project, which every key manager object it may touch belongs to: secrets are never shared across
 * projects, by administrators neither (Barbican's ACLs, which would share them, are not served).
 */
export function projectFor(request: FastifyRequest, operation: string, need: Need): string {
  const { context } = request;
  const allowed = context.isAdmin || context.roles.some((role) => ROLES[need].includes(role));
  if (context.projectId === null || !allowed) {
    throw new BarbicanFault(403, `${operation} attempt not allowed - please review your user/project privileges`);
  }
  return context.projectId;
}
