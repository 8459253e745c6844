import type { ClientCertificateFacts } from '../protocols/tls/client-certificate-facts.ts';

/**
 * What L7 rules may read of one request, whichever path parsed it. Rules read only what they need, when they need
 * it: a field's values are visited one by one, so a rule on one header costs nothing for the others.
 */
export interface RequestFacts {
  /** The request target as sent: origin form (`/path?query`), absolute form, or `*`. */
  readonly target: string;
  /** Calls `test` with each value of the fields named `name` (lower case), in order, until one returns true. */
  anyField(name: string, test: (value: string) => boolean): boolean;
  /** The client's certificate on a TLS-terminated connection; null on a connection without TLS. */
  clientCertificate(): ClientCertificateFacts | null;
}

/** The target's path, without the query (HAProxy's `path`): an absolute-form target loses its scheme and host. */
export function requestPath(target: string): string {
  const from = pathStart(target);
  if (from < 0) return '';
  const query = target.indexOf('?', from);
  return query < 0 ? (from === 0 ? target : target.slice(from)) : target.slice(from, query);
}

/** The target's path and query: what follows a redirect prefix. */
export function pathAndQuery(target: string): string {
  const from = pathStart(target);
  if (from < 0) return '/';
  return from === 0 ? target : target.slice(from);
}

function pathStart(target: string): number {
  if (target.charCodeAt(0) === 0x2f) return 0;
  const scheme = target.indexOf('://');
  return scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
}
