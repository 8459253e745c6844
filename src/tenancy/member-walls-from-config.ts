/**
 * The one place the config becomes member walls: defaults decided (loopback members are allowed with noauth, one
 * trusted user on one machine, and refused with keystone), networks parsed, and weir's own endpoints gathered.
 */
import { lookup } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/load-config.ts';
import { type IpAddress, parseIpAddress } from '../network/ip-address.ts';
import { parseNetworkEntry } from '../network/network-entry.ts';
import { StartupError } from '../server/startup-error.ts';
import { isLocalAddress } from './local-addresses.ts';
import type { MemberWalls, OwnEndpoint } from './member-walls.ts';
import { normaliseSocketDirectory } from './unix-socket-member.ts';

const POSTGRES_PORT = 5432;

/**
 * `apiAddresses` gives the sockets the API listens on once it does (fastify's `addresses()`), so a port chosen by
 * the system and a host name that resolved to several addresses are walled as they really are.
 */
export async function memberWallsFor(
  config: Config,
  apiAddresses: () => readonly (AddressInfo | string)[],
): Promise<MemberWalls> {
  const { tenancy } = config;
  const store = await storeEndpoints(config);
  return Object.freeze({
    allowLoopback: tenancy.allow_loopback_members ?? config.server.auth === 'noauth',
    allowLinkLocal: tenancy.allow_link_local_members,
    deniedNetworks: Object.freeze(tenancy.denied_member_cidrs.map(parseNetworkEntry)),
    unixSocketDirectories: Object.freeze(tenancy.unix_socket_directories.map(normaliseSocketDirectory)),
    ownEndpoints: () => [...apiEndpoints(apiAddresses()), ...store],
    isLocalAddress,
  });
}

function apiEndpoints(addresses: readonly (AddressInfo | string)[]): OwnEndpoint[] {
  return addresses.flatMap((info) => {
    if (typeof info === 'string') return [];
    const address = parseIpAddress(info.address.split('%')[0]!);
    return address ? [{ address, port: info.port, name: "weir's API" }] : [];
  });
}

/**
 * A PostgreSQL store's host, resolved once at start as the store would connect to it. A host that does not
 * resolve is a start-up error: the store could not be reached either, and the wall must not silently lapse.
 */
async function storeEndpoints(config: Config): Promise<OwnEndpoint[]> {
  const url = config.store.driver === 'postgres' ? config.store.postgres?.url : undefined;
  if (url === undefined) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StartupError(`store.postgres.url is not a URL: ${url}`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return [];
  const literal = parseIpAddress(host);
  const addresses = literal ? [literal] : await resolve(host);
  const storePort = parsed.port === '' ? POSTGRES_PORT : Number(parsed.port);
  return addresses.map((address) => ({ address, port: storePort, name: "weir's state store" }));
}

async function resolve(host: string): Promise<IpAddress[]> {
  try {
    return (await lookup(host, { all: true })).flatMap((found) => parseIpAddress(found.address) ?? []);
  } catch (error) {
    throw new StartupError(`cannot resolve the store's host ${host}: ${(error as Error).message}`);
  }
}
