import type { MemberSpec } from '../../model/load-balancer-spec.ts';

/** The key of what serves connections sent no server name. */
export const NO_SERVER_NAME = '';

/**
 * What is kept per member and per server name a client asked for (TLS sessions, keep-alive agents). Clients choose
 * their server names, so a member keeps at most `perMember` of them: past that the name set or used (`recent`) least
 * recently goes, handed to `evicted`, so names a client cycles through push out each other before the busy ones.
 */
export class PerServerName<T> {
  private readonly byMember = new Map<string, Map<string, T>>();

  constructor(
    private readonly perMember: number,
    private readonly evicted: (value: T) => void = () => {},
  ) {}

  get(memberId: string, serverName: string): T | undefined {
    return this.byMember.get(memberId)?.get(serverName);
  }

  /** The same, and the name counts as the most recently used. */
  recent(memberId: string, serverName: string): T | undefined {
    const value = this.get(memberId, serverName);
    // Set again, an existing name moves to the end and nothing is evicted.
    if (value !== undefined) this.set(memberId, serverName, value);
    return value;
  }

  /** Forgets the names whose value `empty` says holds nothing. */
  prune(empty: (value: T) => boolean): void {
    for (const named of this.byMember.values()) {
      for (const [name, value] of named) if (empty(value)) named.delete(name);
    }
  }

  set(memberId: string, serverName: string, value: T): void {
    let named = this.byMember.get(memberId);
    if (named === undefined) {
      named = new Map();
      this.byMember.set(memberId, named);
    }
    named.delete(serverName);
    named.set(serverName, value);
    if (named.size <= this.perMember) return;
    const [oldest, gone] = named.entries().next().value!;
    named.delete(oldest);
    this.evicted(gone);
  }

  /** Keeps what these members have; what the others had goes to `dropped`. */
  retain(members: readonly MemberSpec[], dropped: (value: T) => void = () => {}): void {
    for (const [id, named] of this.byMember) {
      if (members.some((m) => m.id === id)) continue;
      this.byMember.delete(id);
      for (const value of named.values()) dropped(value);
    }
  }

  /** Every value kept, of every member and name. */
  *values(): IterableIterator<T> {
    for (const named of this.byMember.values()) yield* named.values();
  }

  /** Forgets everything, each value handed to `dropped`. */
  clear(dropped: (value: T) => void = () => {}): void {
    this.retain([], dropped);
  }
}
