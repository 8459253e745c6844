/**
 * NatService fixtures for the kernel NAT table tests: a service at its plainest, TCP port 80 of 192.0.2.10 picked at
 * random, open to every source and without members, so that each test spells out only what it is about.
 */
import type { NatService } from '../../src/dataplanes/nftables/nat-ruleset.ts';

export const natService = (name: string, fields: Partial<NatService> = {}): NatService => ({
  name,
  vip: '192.0.2.10',
  protocol: 'tcp',
  port: 80,
  pick: 'random',
  seed: 0,
  allowedCidrs: null,
  backends: [],
  ...fields,
});

/** A backend of weight 1 on `port` at each address. */
export const backendsOn = (port: number, ...addresses: string[]): NatService['backends'] =>
  addresses.map((address) => ({ address, port, weight: 1 }));

/** A Maglev table of `size` slots that gives them to the first `members` backends in turn. */
export const slotsInTurn = (size: number, members = 2): number[] =>
  Array.from({ length: size }, (_, slot) => slot % members);
