import type { LbAlgorithm } from '../model/constants.ts';
import type { Balancer, BalancerTarget } from './balancer.ts';
import { LeastConnections } from './least-connections.ts';
import type { MaglevOptions } from './maglev-table.ts';
import { SmoothWeightedRoundRobin } from './smooth-weighted-round-robin.ts';
import { SourceHash } from './source-hash.ts';

/**
 * A new, empty balancer for a pool's `lb_algorithm`. `maglev` (table size and seed, stored with the pool) matters to
 * the source hashes only; omitted, every node uses the same defaults, so tables still agree.
 */
export function balancerFor<T extends BalancerTarget>(
  algorithm: LbAlgorithm,
  maglev: Partial<MaglevOptions> = {},
): Balancer<T> {
  switch (algorithm) {
    case 'ROUND_ROBIN':
      return new SmoothWeightedRoundRobin<T>();
    case 'LEAST_CONNECTIONS':
      return new LeastConnections<T>();
    case 'SOURCE_IP':
    case 'SOURCE_IP_PORT':
      return new SourceHash<T>(algorithm, maglev);
  }
}
