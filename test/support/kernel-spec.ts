/**
 * A load balancer spec for data plane tests: one UDP listener on port 53 of 192.0.2.10, its default
 * pool `pool` with the members given, everything else at its plainest.
 */
import type { LoadBalancerSpec, MemberSpec, PoolSpec } from '../../src/model/load-balancer-spec.ts';

export const member = (id: string, address: string, fields: Partial<MemberSpec> = {}): MemberSpec => ({
  id,
  name: '',
  address,
  socketPath: null,
  port: 53,
  weight: 1,
  backup: false,
  adminStateUp: true,
  monitorAddress: null,
  monitorPort: null,
  ...fields,
});

export function spec(members: MemberSpec[], pool: Partial<PoolSpec> = {}): LoadBalancerSpec {
  return {
    id: 'lb',
    name: '',
    projectId: 'p',
    provider: 'nat',
    adminStateUp: true,
    vip: { address: '192.0.2.10', subnetId: 's', interface: null },
    additionalVips: [],
    flavor: {},
    availabilityZone: {},
    maxConnections: null,
    listeners: [
      {
        id: 'dns',
        name: '',
        protocol: 'UDP',
        port: 53,
        adminStateUp: true,
        connectionLimit: null,
        defaultPoolId: 'pool',
        insertHeaders: {},
        timeouts: { clientDataMs: 1000, memberConnectMs: 1000, memberDataMs: 1000, tcpInspectMs: 0 },
        tls: {
          defaultContainerRef: null,
          sniContainerRefs: [],
          clientCaContainerRef: null,
          clientAuthentication: 'NONE',
          clientCrlContainerRef: null,
          ciphers: null,
          versions: [],
          alpnProtocols: [],
          certificates: [],
          clientCaPem: null,
          clientCrlPem: null,
        },
        allowedCidrs: [],
        l7policies: [],
      },
    ],
    pools: [
      {
        id: 'pool',
        protocol: 'UDP',
        algorithm: 'ROUND_ROBIN',
        adminStateUp: true,
        sessionPersistence: null,
        tls: {
          enabled: false,
          containerRef: null,
          caContainerRef: null,
          crlContainerRef: null,
          ciphers: null,
          versions: [],
          alpnProtocols: [],
          clientCertificate: null,
          caPem: null,
          crlPem: null,
        },
        maglev: { tableSize: 65537, seed: 0x5eed },
        members,
        healthMonitor: null,
        ...pool,
      },
    ],
  };
}
