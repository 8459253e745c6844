/** Who is asking, as the auth strategy established it, and what the policy lets them do. */
export interface Identity {
  /** The project the caller's token is scoped to; null for unscoped and system-scoped tokens. */
  projectId: string | null;
  userId: string | null;
  userName: string | null;
  /** Role names, lower-cased, implied roles included (Keystone expands them into the token). */
  roles: readonly string[];
  /** `all` for a system-scoped token. */
  systemScope: string | null;
  /** Octavia's `context_is_admin`: sees and changes every project's objects. */
  isAdmin: boolean;
}

export interface RequestContext extends Identity {
  /** The policy action of the route being served, e.g. `loadbalancer:get_one`; null outside the Octavia API. */
  action: string | null;
  /** Whether the policy grants `action` on an object of `projectId`. */
  allows(action: string, projectId: string | null): boolean;
  /** Refuses with Octavia's 403 unless the policy grants this route's action on an object of `projectId`. */
  authorize(projectId: string | null): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    context: RequestContext;
  }
}
