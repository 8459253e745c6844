import { type Cidr, cidrContains, parseCidr } from '../../network/cidr.ts';
import { parseIpAddress } from '../../network/ip-address.ts';
import { unmapIpv4, unmapIpv4Cidr } from '../../network/ipv4-mapped.ts';

/** Connections one load balancer holds over all its listeners, against tenancy.max_connections_per_load_balancer. */
export class ConnectionBudget {
  active = 0;
  constructor(public limit: number | null) {}
}

/**
 * Whether a new client connection may be taken: its source within the listener's allowed_cidrs, and below both the
 * listener's connection_limit and the load balancer's cap. Decided once per accepted connection.
 */
export class Admission {
  private readonly allowed: readonly Cidr[];

  constructor(
    allowedCidrs: readonly string[],
    private readonly connectionLimit: number | null,
    private readonly budget: ConnectionBudget,
  ) {
    this.allowed = allowedCidrs.map((cidr) => unmapIpv4Cidr(parseCidr(cidr)));
  }

  /** null when admitted, else why not (for the access log). */
  refuse(remoteAddress: string | undefined, listenerActive: number): string | null {
    if (this.allowed.length > 0 && !this.sourceAllowed(remoteAddress)) return 'source not in allowed_cidrs';
    if (this.connectionLimit !== null && listenerActive >= this.connectionLimit) return 'listener connection_limit';
    if (this.budget.limit !== null && this.budget.active >= this.budget.limit) return 'load balancer connection cap';
    return null;
  }

  private sourceAllowed(remoteAddress: string | undefined): boolean {
    const parsed = remoteAddress === undefined ? undefined : parseIpAddress(remoteAddress);
    if (!parsed) return false;
    const address = unmapIpv4(parsed);
    return this.allowed.some((cidr) => cidrContains(cidr, address));
  }
}
