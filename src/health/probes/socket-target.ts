import { connect, isIP, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { PoolSpec } from '../../model/load-balancer-spec.ts';
import { encodeProxyV1 } from '../../protocols/proxy-protocol/encode-v1.ts';
import { encodeProxyV2 } from '../../protocols/proxy-protocol/encode-v2.ts';
import { type MemberTlsOptions, memberTlsOptions } from '../../protocols/tls/member-tls-options.ts';
import type { MonitorSpec, ProbeTarget } from '../monitor-spec.ts';

/** Each pool's TLS options, built once for all the probes of a configuration. */
const tlsOptions = new WeakMap<PoolSpec['tls'], MemberTlsOptions>();

/** The options node:net and node:tls connect with, for an IP member or a Unix socket member. */
export function connectOptions(target: ProbeTarget): { host: string; port: number } | { path: string } {
  return 'socketPath' in target ? { path: target.socketPath } : { host: target.address, port: target.port };
}

/** A stream to the member, the LOCAL PROXY protocol header already queued when its pool expects one. */
export function openStream(target: ProbeTarget): Socket {
  const socket = connect(connectOptions(target));
  if (target.proxyProtocol === 1) socket.write(encodeProxyV1({}));
  if (target.proxyProtocol === 2) socket.write(encodeProxyV2({ command: 'local' }));
  return socket;
}

/**
 * A stream to the member as the proxy reaches it: over TLS with its pool's certificate, CA, CRL and versions when the
 * target has them, as HAProxy's checks inherit a server's `ssl` settings.
 */
export function openMemberStream(target: ProbeTarget): Socket {
  const raw = openStream(target);
  return target.tls === undefined ? raw : tlsOver(target.tls, raw);
}

/** TLS with a pool's settings over `raw` (after any PROXY protocol header it carries); `servername`: SNI to send. */
export function tlsOver(tls: PoolSpec['tls'], raw: Socket, servername?: string): TLSSocket {
  let options = tlsOptions.get(tls);
  if (options === undefined) {
    options = memberTlsOptions(tls, true);
    tlsOptions.set(tls, options);
  }
  return tlsConnect({ ...options, socket: raw, servername });
}

/** The name a member is asked for by (HTTP Host): the monitor's domain_name, else the member's address. */
export function hostName(target: ProbeTarget, spec: MonitorSpec): string {
  if (spec.domainName) return spec.domainName;
  if ('socketPath' in target) return 'localhost';
  return isIP(target.address) === 6 ? `[${target.address}]` : target.address;
}

/** TLS SNI may only carry a DNS name, so an IP address or a socket path sends none. */
export function serverName(spec: MonitorSpec): string | undefined {
  return spec.domainName && isIP(spec.domainName) === 0 ? spec.domainName : undefined;
}
