import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.ts';
import { isSecretKey, redact, redactText } from '../audit/redact.ts';
import type { ObjectChange, StateStore } from '../store/state-store.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The store changes committed while one request was being served. */
interface Collector {
  changes: ObjectChange[];
}

/**
 * Appends every API write, accepted or refused, to the audit log: who, from where, what, the result, and each
 * object it changed before and after. Changes are tied to their request by running the handler inside an
 * AsyncLocalStorage scope: the store reports a commit in the committing caller's async context, so concurrent
 * requests never see each other's.
 */
export function registerAuditTrail(app: FastifyInstance, auditLog: AuditLog, store: StateStore): void {
  const scope = new AsyncLocalStorage<Collector>();
  const collectors = new WeakMap<FastifyRequest, Collector>();
  // An onSend hook can run twice for one request when a later hook fails and the error is sent instead.
  const logged = new WeakSet<FastifyRequest>();

  const unsubscribe = store.onCommit((event) => scope.getStore()?.changes.push(...event.changes));
  app.addHook('onClose', async () => unsubscribe());

  // Entered right around the handler, after the body was read in stream callbacks the scope need not reach.
  app.addHook('preHandler', (request, _reply, done) => {
    if (!WRITE_METHODS.has(request.method)) return done();
    const collector: Collector = { changes: [] };
    collectors.set(request, collector);
    scope.run(collector, done);
  });
  // Not onResponse: the line is on disk before the answer leaves. Writes refused before preHandler (401, 400 bad
  // JSON, 413, 415) have no collector and changed nothing.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!WRITE_METHODS.has(request.method) || logged.has(request)) return done(null, payload);
    logged.add(request);
    try {
      const changes = collectors.get(request)?.changes ?? [];
      auditLog.append(auditEntry(request, reply.statusCode, payload, changes));
    } catch (error) {
      request.log.error({ err: error }, 'could not append to the audit log');
    }
    done(null, payload);
  });
}

function auditEntry(request: FastifyRequest, status: number, payload: unknown, changes: ObjectChange[]) {
  // null until an auth hook established who is asking: a 401 is logged without a user.
  const context = request.context as FastifyRequest['context'] | null;
  return {
    request_id: request.id,
    client: request.ip,
    user: context ? { id: context.userId, name: context.userName } : null,
    project_id: context?.projectId ?? null,
    roles: context?.roles ?? [],
    method: request.method,
    path: pathWithoutSecrets(request.url),
    action: context?.action ?? null,
    status,
    result: status < 400 ? 'accepted' : 'refused',
    faultstring: status < 400 ? null : faultstring(payload, request.body),
    changes: changes.map((change) => ({
      kind: change.kind,
      id: change.id,
      project_id: change.projectId,
      before: redact(change.before),
      after: redact(change.after),
    })),
  };
}

/** The request path with query parameters named like a secret (`?token=`) dropped. */
function pathWithoutSecrets(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  for (const name of [...query.keys()]) if (isSecretKey(name)) query.delete(name);
  const kept = query.toString();
  return kept === '' ? url.slice(0, at) : `${url.slice(0, at)}?${kept}`;
}

/** The refusal's Octavia faultstring, with any secret the request carried scrubbed from it. */
function faultstring(payload: unknown, body: unknown): string | null {
  if (typeof payload !== 'string') return null;
  try {
    const fault = (JSON.parse(payload) as { faultstring?: unknown }).faultstring;
    return typeof fault === 'string' ? redactText(fault, body) : null;
  } catch {
    return null;
  }
}
