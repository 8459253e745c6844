import { type AddressSet, addressSet } from '../../network/address-set.ts';
import type { ConnectionSlots } from './connection-slots.ts';

/**
 * Whether a new client connection may be taken: its source within the listener's allowed_cidrs, and a slot free
 * under both the listener's connection_limit and its load balancer's cap. Decided once per accepted connection;
 * an admitted connection gives its slots back through the same Admission when it ends.
 */
export class Admission {
  /** null: no allowed_cidrs, every source is allowed. */
  private readonly allowed: AddressSet | null;

  constructor(
    allowedCidrs: readonly string[],
    private readonly listener: ConnectionSlots,
    private readonly loadBalancer: ConnectionSlots,
  ) {
    this.allowed = allowedCidrs.length > 0 ? addressSet(allowedCidrs) : null;
  }

  /** Synchronous in the common case; a promise only when a slot must be found in another worker. */
  admit(remoteAddress: string | undefined): boolean | Promise<boolean> {
    if (this.allowed && !this.allowed.has(remoteAddress ?? '')) return false;
    const listenerSlot = this.listener.tryTake();
    if (listenerSlot && this.loadBalancer.tryTake()) return true;
    return this.admitElsewhere(listenerSlot);
  }

  release(): void {
    this.listener.give();
    this.loadBalancer.give();
  }

  private async admitElsewhere(listenerSlot: boolean): Promise<boolean> {
    if (!listenerSlot && !(await this.listener.take())) return false;
    if (this.loadBalancer.tryTake() || (await this.loadBalancer.take())) return true;
    this.listener.give();
    return false;
  }
}
