/**
 * Members that are local Unix sockets, a weir extension: `address: "unix:/run/weir-members/app.sock"`. Only paths
 * under the operator's tenancy.unix_socket_directories are allowed, judged on the path as written: absolute, no NUL,
 * no `..` (the kernel resolves `..` after following symlinks, so a lexical clean-up could be led outside), no
 * trailing slash. Symlinks are not resolved here: the API may not run where the socket lives, and a check now
 * would not bind a connect later. Whoever can write in those directories decides where members lead, so they
 * must be writable only by the operator and the services it places there.
 */
import { posix } from 'node:path';

const PREFIX = 'unix:';

/** Linux's sun_path holds 108 bytes with the final NUL; a longer path cannot be connected to. */
const MAX_PATH_BYTES = 107;

/** The socket path of a `unix:` member address; undefined for any other address. */
export function unixSocketPath(address: string): string | undefined {
  return address.startsWith(PREFIX) ? address.slice(PREFIX.length) : undefined;
}

/** The member address that stores a socket path. */
export const unixMemberAddress = (path: string): string => `${PREFIX}${path}`;

/** A directory as the walls compare it: normalised, without a trailing slash (but `/` itself). */
export function normaliseSocketDirectory(directory: string): string {
  const normal = posix.normalize(directory);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** The normalised socket path a member may use, or why it may not. `directories` are normalised. */
export function checkSocketPath(directories: readonly string[], path: string): { path: string } | { refusal: string } {
  if (directories.length === 0) return { refusal: 'Unix socket members are not enabled here' };
  if (path.includes('\0')) return { refusal: 'the socket path contains a NUL character' };
  if (!path.startsWith('/')) return { refusal: 'the socket path is not absolute' };
  if (path.endsWith('/')) return { refusal: 'the socket path ends in /, which names a directory' };
  if (path.split('/').includes('..')) return { refusal: 'the socket path contains ..' };
  const normal = posix.normalize(path);
  if (Buffer.byteLength(normal) > MAX_PATH_BYTES) {
    return { refusal: `the socket path is longer than ${MAX_PATH_BYTES} bytes` };
  }
  const under = (directory: string) => normal.startsWith(directory === '/' ? '/' : `${directory}/`);
  if (!directories.some(under)) {
    return { refusal: `the socket path is not under ${directories.join(' or ')}` };
  }
  return { path: normal };
}
