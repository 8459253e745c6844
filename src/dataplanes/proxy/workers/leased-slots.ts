import { type ConnectionSlots, SlotProvider } from '../connection-slots.ts';

/** How a worker asks the control process for slots and gives them back. */
export interface LeaseChannel {
  acquire(key: string, want: number): Promise<number>;
  release(key: string, slots: number, reclaimed: boolean): void;
}

/**
 * A limit's slots as one of several workers holds them: a lease from the control process's ledger. The worker takes
 * and gives back locally while its lease lasts, asks for more in chunks when it runs out, and keeps at most one
 * chunk it does not use, handing back the rest, and all of it when another worker needs it (`reclaim`).
 */
export class LeasedSlots implements ConnectionSlots {
  private active = 0;
  private granted = 0;
  private chunk = 1;
  /** Its listener or load balancer left this worker: what its connections give back goes straight home. */
  private retired = false;

  constructor(
    private readonly key: string,
    private limit: number | null,
    private readonly workers: number,
    private readonly channel: LeaseChannel,
  ) {
    this.setLimit(limit);
  }

  tryTake(): boolean {
    if (this.limit !== null && this.active >= this.granted) return false;
    this.active++;
    return true;
  }

  async take(): Promise<boolean> {
    if (this.tryTake()) return true;
    // Read after the answer: `granted += await ...` would add to a value other takes have changed meanwhile.
    const more = await this.channel.acquire(this.key, this.chunk);
    this.granted += more;
    return this.tryTake();
  }

  give(): void {
    this.active--;
    const spare = this.granted - this.active;
    const keep = this.retired ? 0 : this.chunk;
    if (this.limit !== null && spare > keep) this.handBack(spare - keep, false);
  }

  setLimit(limit: number | null): void {
    this.limit = limit;
    // Chunks small against the limit, so one worker's spare never keeps another from its share for long.
    this.chunk = limit === null ? 1 : Math.max(1, Math.floor(limit / (this.workers * 4)));
  }

  /** Hands back every slot not in use; `reclaimed`: as the answer to a reclaim. */
  returnSpare(reclaimed: boolean): void {
    this.handBack(Math.max(0, this.granted - this.active), reclaimed);
  }

  retire(): void {
    this.retired = true;
    this.returnSpare(false);
  }

  private handBack(slots: number, reclaimed: boolean): void {
    this.granted -= slots;
    this.channel.release(this.key, slots, reclaimed);
  }
}

/** A worker's leases; `reclaim` requests from the control process find them by key. */
export const leasedSlotProvider = (workers: number, channel: LeaseChannel): SlotProvider<LeasedSlots> =>
  new SlotProvider((key, limit) => new LeasedSlots(key, limit, workers, channel));
