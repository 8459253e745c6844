/** A frontend of the HAProxy the proxy benchmarks compare with, relaying to one server. */
export interface HaproxyFrontend {
  name: string;
  mode: 'http' | 'tcp';
  bind: readonly [string, number];
  /** More words for the `bind` line, e.g. `ssl crt <file> alpn h2,http/1.1`. */
  bindOptions?: string;
  server: readonly [string, number];
}

/**
 * HAProxy's config for the proxy benchmarks: one thread, `maxconn` connections, client and server timeouts of
 * `timeoutSeconds`, and each frontend with a backend of its one server; `mode http` ones insert X-Forwarded-For and
 * share idle server connections between clients (`http-reuse always`).
 */
export function haproxyConfig(maxconn: number, timeoutSeconds: number, frontends: readonly HaproxyFrontend[]): string {
  return [
    'global',
    '  nbthread 1',
    `  maxconn ${maxconn}`,
    'defaults',
    '  timeout connect 5s',
    `  timeout client ${timeoutSeconds}s`,
    `  timeout server ${timeoutSeconds}s`,
    ...frontends.flatMap(({ name, mode, bind, bindOptions, server }) => [
      `frontend ${name}`,
      `  mode ${mode}`,
      `  bind ${bind.join(':')}${bindOptions ? ` ${bindOptions}` : ''}`,
      `  default_backend ${name}-servers`,
      `backend ${name}-servers`,
      `  mode ${mode}`,
      ...(mode === 'http' ? ['  option forwardfor', '  http-reuse always'] : []),
      `  server s1 ${server.join(':')}`,
    ]),
    '',
  ].join('\n');
}
