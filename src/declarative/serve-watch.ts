/**
 * What `weir serve --watch FILE` adds to the server: a client of its own API and the applier that keeps the file
 * applied. The client is a noauth one over plain HTTP on loopback, acting for weir's default project, so the file
 * is the whole of that project; with Keystone or TLS on the API there is no such client, and --watch is refused.
 */
import { OctaviaClient } from '../client/octavia-client.ts';
import type { Config } from '../config/load-config.ts';
import { WatchedFileApplier, type WatchLog } from './watched-file-applier.ts';

/** Quiet time after a change before the file is read: an editor's save is done well within it. */
const QUIET_MS = 200;
/** How long one change may take to be ACTIVE, as the CLI's --wait-timeout. */
const CHANGE_TIMEOUT_MS = 300_000;

/** Why this config cannot be kept in line with a file, or undefined when it can. */
export function watchRefusal(config: Config): string | undefined {
  if (config.server.auth !== 'noauth' || config.server.tls !== undefined) {
    return '--watch is for a standalone weir: it applies the file through its own API as a noauth client over plain HTTP, so it needs server.auth noauth and no server.tls';
  }
  return undefined;
}

/** `apiAddress` is where the API listens (`http://0.0.0.0:9876` is reached on loopback). */
export function startWatch(apiAddress: string, config: Config, path: string, log: WatchLog): WatchedFileApplier {
  const endpoint = apiAddress.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  const project = config.server.default_project_id;
  const client = new OctaviaClient(endpoint, { 'x-project-id': project });
  return WatchedFileApplier.start(path, client, { project, quietMs: QUIET_MS, timeoutMs: CHANGE_TIMEOUT_MS }, log);
}
