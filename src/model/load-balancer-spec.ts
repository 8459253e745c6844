import type {
  ClientAuthentication,
  L7Action,
  L7CompareType,
  L7RuleType,
  LbAlgorithm,
  ListenerProtocol,
  MonitorType,
  PersistenceType,
  PoolProtocol,
} from './constants.ts';

/**
 * A load balancer's whole desired state as a data plane sees it: built by the reconciler from the store, frozen,
 * handed to a driver whole. Objects being deleted are already left out. Drivers depend on this shape only, never on
 * the API's.
 */
export interface LoadBalancerSpec {
  id: string;
  /** The load balancer's name, which the `dns` provider publishes. */
  name: string;
  projectId: string;
  provider: string;
  adminStateUp: boolean;
  vip: { address: string; subnetId: string; interface: string | null };
  additionalVips: { address: string; subnetId: string }[];
  flavor: Record<string, unknown>;
  availabilityZone: Record<string, unknown>;
  /**
   * Concurrent client connections the load balancer may hold, summed over all its listeners
   * (tenancy.max_connections_per_load_balancer), so one tenant cannot starve the others; null: no cap. A data plane
   * that holds connections must enforce it, refusing connections past the cap; one that holds none has none to cap.
   */
  maxConnections: number | null;
  listeners: ListenerSpec[];
  pools: PoolSpec[];
}

/** Every address a load balancer's listeners serve: the VIP, then the additional VIPs. */
export const vipAddresses = (spec: LoadBalancerSpec): string[] => [
  spec.vip.address,
  ...spec.additionalVips.map((v) => v.address),
];

export interface ListenerSpec {
  id: string;
  /** Octavia's free-form name: only the `dns` provider reads it (SRV owner names). */
  name: string;
  protocol: ListenerProtocol;
  port: number;
  adminStateUp: boolean;
  /** null: unlimited. */
  connectionLimit: number | null;
  defaultPoolId: string | null;
  insertHeaders: Record<string, string>;
  timeouts: { clientDataMs: number; memberConnectMs: number; memberDataMs: number; tcpInspectMs: number };
  tls: {
    defaultContainerRef: string | null;
    sniContainerRefs: string[];
    clientCaContainerRef: string | null;
    clientAuthentication: ClientAuthentication;
    clientCrlContainerRef: string | null;
    ciphers: string | null;
    versions: string[];
    alpnProtocols: string[];
    /**
     * The certificates the references name, read from the key manager: the default first, then the SNI ones.
     * Empty unless the listener terminates TLS. Key material: never logged, never written outside the data plane.
     */
    certificates: TlsKeyPair[];
    /** PEM: the CAs client certificates must chain to, and the revocation list checked against them. */
    clientCaPem: string | null;
    clientCrlPem: string | null;
  };
  allowedCidrs: string[];
  /** In evaluation order (position); policies without rules are left out, as Octavia's amphora does. */
  l7policies: L7PolicySpec[];
}

/** A certificate with its private key as a data plane loads them: PEM, the leaf first, then its intermediates. */
export interface TlsKeyPair {
  certificateChainPem: string;
  privateKeyPem: string;
}

export interface L7PolicySpec {
  id: string;
  action: L7Action;
  position: number;
  redirectPoolId: string | null;
  redirectUrl: string | null;
  redirectPrefix: string | null;
  redirectHttpCode: number | null;
  rules: L7RuleSpec[];
}

export interface L7RuleSpec {
  id: string;
  type: L7RuleType;
  compareType: L7CompareType;
  key: string | null;
  value: string;
  invert: boolean;
}

export interface PoolSpec {
  id: string;
  protocol: PoolProtocol;
  algorithm: LbAlgorithm;
  adminStateUp: boolean;
  sessionPersistence: {
    type: PersistenceType;
    cookieName: string | null;
    timeoutSeconds: number | null;
    granularity: string | null;
  } | null;
  tls: {
    enabled: boolean;
    containerRef: string | null;
    caContainerRef: string | null;
    crlContainerRef: string | null;
    ciphers: string | null;
    versions: string[];
    alpnProtocols: string[];
    /** What the references name, read from the key manager: the certificate weir presents to members, the CAs
     * members' certificates must chain to, and the revocation list. */
    clientCertificate: TlsKeyPair | null;
    caPem: string | null;
    crlPem: string | null;
  };
  members: MemberSpec[];
  healthMonitor: HealthMonitorSpec | null;
  /**
   * The Maglev table SOURCE_IP and SOURCE_IP_PORT hash into, as stored with the pool (a prime size and a 32-bit
   * seed), so every node and every data plane builds the same one.
   */
  maglev: { tableSize: number; seed: number };
}

export interface MemberSpec {
  id: string;
  /** Octavia's free-form name: only the `dns` provider reads it (member host names). */
  name: string;
  /** The member's address as the API stored it: an IP address, or `unix:` and the socket path. */
  address: string;
  /** For a Unix socket member, the socket to connect to; `port` and the monitor fields then mean nothing. */
  socketPath: string | null;
  port: number;
  weight: number;
  backup: boolean;
  adminStateUp: boolean;
  monitorAddress: string | null;
  monitorPort: number | null;
  /**
   * Stateless load balancers only: whether the stored operating status says health checks found the member down.
   * Their tables follow this rather than each node's own checks, so every node builds the same one.
   */
  foundDown?: boolean;
}

export interface HealthMonitorSpec {
  id: string;
  type: MonitorType;
  adminStateUp: boolean;
  delaySeconds: number;
  timeoutSeconds: number;
  maxRetries: number;
  maxRetriesDown: number;
  httpMethod: string;
  urlPath: string;
  expectedCodes: string;
  httpVersion: number;
  domainName: string | null;
}
