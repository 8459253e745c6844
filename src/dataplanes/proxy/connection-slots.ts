/**
 * Connections a limit allows (a listener's connection_limit, a load balancer's cap), as one worker of the data plane
 * takes and gives them back. Taking is synchronous while this worker holds a free slot; only at the edge, when its
 * share is used up, does it ask the others (`take`), so the limit holds over every worker without a round trip per
 * connection.
 */
export interface ConnectionSlots {
  /** Takes a slot this worker holds; false when none is at hand here (there may be one elsewhere). */
  tryTake(): boolean;
  /** Takes a slot from wherever one is free; false when the limit is reached everywhere. */
  take(): Promise<boolean>;
  give(): void;
  /** null: unlimited. */
  setLimit(limit: number | null): void;
  /** The limit's object left the configuration. */
  retire(): void;
}

/** Slots of a data plane running in one process: the limit is all there is. */
export class LocalSlots implements ConnectionSlots {
  private active = 0;

  constructor(private limit: number | null) {}

  tryTake(): boolean {
    if (this.limit !== null && this.active >= this.limit) return false;
    this.active++;
    return true;
  }

  take(): Promise<boolean> {
    return Promise.resolve(this.tryTake());
  }

  give(): void {
    this.active--;
  }

  setLimit(limit: number | null): void {
    this.limit = limit;
  }

  retire(): void {}
}

/** The slots of each limit a worker enforces, by key (`listener:<id>`, `loadbalancer:<id>`). */
export class SlotProvider<Slots extends ConnectionSlots = ConnectionSlots> {
  private readonly slots = new Map<string, Slots>();

  constructor(private readonly create: (key: string, limit: number | null) => Slots) {}

  /** The same slots for the same key, with the limit now in force. */
  slotsFor(key: string, limit: number | null): Slots {
    const known = this.slots.get(key);
    if (known) {
      known.setLimit(limit);
      return known;
    }
    const made = this.create(key, limit);
    this.slots.set(key, made);
    return made;
  }

  find(key: string): Slots | undefined {
    return this.slots.get(key);
  }

  /** The limit's object left the configuration; connections still open give their slots back harmlessly. */
  forget(key: string): void {
    this.slots.get(key)?.retire();
    this.slots.delete(key);
  }
}

/** A data plane in one process: each limit is counted here and nowhere else. */
export const localSlotProvider = (): SlotProvider => new SlotProvider((_key, limit) => new LocalSlots(limit));
