/** Checks shared by both encoders on the endpoints they are given. */
import type { IpEndpoint, UnixEndpoint } from './header.ts';

export function isIpEndpoint(endpoint: IpEndpoint | UnixEndpoint): endpoint is IpEndpoint {
  return 'address' in endpoint;
}

export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`not a port: ${port}`);
}
