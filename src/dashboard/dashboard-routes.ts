import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { notFound } from '../api/faults.ts';

/** The page's files, served as they are in the repository: plain HTML, CSS and JavaScript, nothing to build. */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
};

/**
 * The page loads nothing but its own files and talks to nothing but this API, whatever a load balancer's name holds;
 * it is never framed, and its token never leaves in a Referer.
 */
const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The routes that serve the page: anyone may load it, as it holds no data; what it shows comes from the API. */
export const DASHBOARD_ROUTES = ['/dashboard', '/dashboard/:file'] as const;

/** `GET /dashboard`: the page, which reads the API with the caller's own token (docs/dashboard.md). */
export function registerDashboard(app: FastifyInstance): void {
  const files = new Map(
    Object.entries(FILES).map(([name, type]) => [
      name,
      { type, body: readFileSync(new URL(`page/${name}`, import.meta.url)) },
    ]),
  );
  const send = (reply: FastifyReply, name: string) => {
    const file = files.get(name);
    if (!file) throw notFound('The resource could not be found.');
    return reply.headers(HEADERS).type(file.type).send(file.body);
  };
  app.get(DASHBOARD_ROUTES[0], (_request, reply) => send(reply, 'index.html'));
  app.get<{ Params: { file: string } }>(DASHBOARD_ROUTES[1], (request, reply) => send(reply, request.params.file));
}
