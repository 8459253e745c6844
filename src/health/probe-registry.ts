import { MONITOR_TYPES, type MonitorType } from '../model/constants.ts';
import type { HealthProbe } from './health-probe.ts';
import { errorReason } from './probes/bounded-probe.ts';
import { httpProbe } from './probes/http.ts';
import { httpsProbe } from './probes/https.ts';
import { createPingProbe } from './probes/ping.ts';
import { createSctpProbe } from './probes/sctp.ts';
import { tcpProbe } from './probes/tcp.ts';
import { tlsHelloProbe } from './probes/tls-hello.ts';
import { udpConnectProbe } from './probes/udp-connect.ts';
import { UnsupportedMonitorTypeError } from './unsupported-monitor-type.ts';

/** Builds the probe for one monitor type, or throws UnsupportedMonitorTypeError when this process cannot. */
export type ProbeFactory = () => HealthProbe;

export const DEFAULT_PROBE_FACTORIES: Readonly<Record<MonitorType, ProbeFactory>> = {
  HTTP: () => httpProbe,
  HTTPS: () => httpsProbe,
  PING: () => createPingProbe(),
  TCP: () => tcpProbe,
  'TLS-HELLO': () => tlsHelloProbe,
  'UDP-CONNECT': () => udpConnectProbe,
  SCTP: createSctpProbe,
};

/** The probes this process can run, built once, so drivers advertise exactly the monitor types that work here. */
export class ProbeRegistry {
  readonly #probes = new Map<MonitorType, HealthProbe>();
  readonly #unsupportedReasons = new Map<MonitorType, string>();

  constructor(factories: Partial<Record<MonitorType, ProbeFactory>> = DEFAULT_PROBE_FACTORIES) {
    for (const type of MONITOR_TYPES) {
      const factory = factories[type];
      if (!factory) {
        this.#unsupportedReasons.set(type, 'no probe is registered for it');
        continue;
      }
      try {
        this.#probes.set(type, factory());
      } catch (error) {
        this.#unsupportedReasons.set(
          type,
          error instanceof UnsupportedMonitorTypeError ? error.reason : errorReason(error),
        );
      }
    }
  }

  /** The probe for `type`; throws UnsupportedMonitorTypeError, with the reason, for a type that cannot run here. */
  get(type: MonitorType): HealthProbe {
    const probe = this.#probes.get(type);
    if (probe) return probe;
    throw new UnsupportedMonitorTypeError(type, this.#unsupportedReasons.get(type) ?? 'unknown monitor type');
  }

  /** Monitor types that can be probed here, in Octavia's order. */
  supportedTypes(): MonitorType[] {
    return MONITOR_TYPES.filter((type) => this.#probes.has(type));
  }

  /** Why each other monitor type cannot be probed here, for capability listings and error messages. */
  unsupportedReasons(): Map<MonitorType, string> {
    return new Map(this.#unsupportedReasons);
  }
}
