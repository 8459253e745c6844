import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchNamespaces } from './bench-namespaces.ts';
import { withOpenFiles } from './open-files.ts';

/** What the nginx backend of the proxy benchmarks answers every request with (a 13-byte body). */
export const NGINX_BODY = 'hello, world\n';

/**
 * Starts the nginx backend in namespace `ns` from a config in `dir` (open-file limit raised to the hard one, pinned
 * to `cpu` if given) and resolves with it once it answers.
 */
export async function startBenchNginx(
  net: BenchNamespaces,
  ns: string,
  dir: string,
  listen: readonly [string, number],
  options: { cpu?: number; workerConnections?: number } = {},
): Promise<ChildProcess> {
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, listen, options.workerConnections));
  const command = ['nginx', '-p', dir, '-e', join(dir, 'nginx-error.log'), '-c', join(dir, 'nginx.conf')];
  const nginx = await net.start(ns, withOpenFiles(command), { cpu: options.cpu });
  await waitFor200(net, ns, `http://${listen.join(':')}/`);
  return nginx;
}

/**
 * The config of an nginx backend started from its own files in `dir`: one process, answering every request on
 * host:port with `return 200` and NGINX_BODY, keeping each connection for up to 10^8 requests.
 */
function nginxConfig(dir: string, [host, port]: readonly [string, number], workerConnections = 4096): string {
  return [
    'daemon off;',
    // One process, so that its pid is the one taskset pinned and whose CPU and memory are read.
    'master_process off;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/nginx-error.log;`,
    `events { worker_connections ${workerConnections}; }`,
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${dir}/${kind};`),
    // The proxies' upstream connections stay open for the whole run.
    '  keepalive_requests 100000000;',
    '  keepalive_timeout 300s;',
    `  server { listen ${host}:${port}; location / { return 200 "${NGINX_BODY.replace('\n', '\\n')}"; } }`,
    '}',
    '',
  ].join('\n');
}

/** Waits, at most 10 s, until `url`, fetched with curl in namespace `ns`, answers 200 with NGINX_BODY. */
export async function waitFor200(net: BenchNamespaces, ns: string, url: string): Promise<void> {
  let said = '';
  for (let i = 0; i < 100; i++) {
    try {
      said = net.run(ns, ['curl', '-s', '--max-time', '1', '-w', ' %{http_code}', url]);
      if (said === `${NGINX_BODY} 200`) return;
    } catch (error) {
      said = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url} does not answer 200 "${NGINX_BODY.trim()}": ${said}`);
}
