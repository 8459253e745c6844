import type { HealthProbe } from '../health-probe.ts';
import { UnsupportedMonitorTypeError } from '../unsupported-monitor-type.ts';

/**
 * SCTP: Node.js has no SCTP sockets, so weir cannot run Octavia's SCTP INIT check. Constructing the probe throws
 * rather than returning a probe that would report members up (or down) without ever asking them.
 */
export function createSctpProbe(): HealthProbe {
  throw new UnsupportedMonitorTypeError('SCTP', 'Node.js provides no SCTP sockets');
}
