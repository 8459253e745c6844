/** Who is asking, as the auth strategy established it. Keystone and RBAC fill the same shape. */
export interface RequestContext {
  projectId: string;
  /** Sees and changes every project's objects. */
  isAdmin: boolean;
  roles: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    context: RequestContext;
  }
}
