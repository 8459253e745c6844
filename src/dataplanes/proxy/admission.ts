import { type AddressSet, addressSet } from '../../network/address-set.ts';

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
  /** null: no allowed_cidrs, every source is allowed. */
  private readonly allowed: AddressSet | null;

  constructor(
    allowedCidrs: readonly string[],
    private readonly connectionLimit: number | null,
    private readonly budget: ConnectionBudget,
  ) {
    this.allowed = allowedCidrs.length > 0 ? addressSet(allowedCidrs) : null;
  }

  /** null when admitted, else why not (for the access log). */
  refuse(remoteAddress: string | undefined, listenerActive: number): string | null {
    if (this.allowed && !this.allowed.has(remoteAddress ?? '')) return 'source not in allowed_cidrs';
    if (this.connectionLimit !== null && listenerActive >= this.connectionLimit) return 'listener connection_limit';
    if (this.budget.limit !== null && this.budget.active >= this.budget.limit) return 'load balancer connection cap';
    return null;
  }
}
