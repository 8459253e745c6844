import type { LoadBalancerSpec } from '../../../model/load-balancer-spec.ts';
import type { AccessLogSettings } from '../../../observability/access-log/access-log.ts';
import type { TrafficCounters } from '../../driver.ts';
import type { MemberTraffic } from '../traffic-counters.ts';

/** What a proxy worker is started with, in its environment (WORKER_ENV). */
export interface WorkerSetup {
  /** 0-based; worker 0 also carries the UDP listeners. */
  index: number;
  workers: number;
  trustedProxies: readonly string[];
  accessLog?: AccessLogSettings;
  /** HTTP_COOKIE persistence's HMAC key, base64: every worker reads every cookie. */
  cookieKey: string;
  /** The keys TLS session tickets are sealed with, base64: a client resumes in whichever worker it reaches. */
  ticketKeys: string;
}

export const WORKER_ENV = 'WEIR_PROXY_WORKER';

/** The control process to a worker. Requests carry an id the worker's `done` answers. */
export type ToWorker =
  | { t: 'apply'; id: number; spec: LoadBalancerSpec }
  | { t: 'remove'; id: number; loadbalancerId: string }
  | { t: 'stats'; id: number; loadbalancerId: string }
  | { t: 'close'; id: number }
  | { t: 'health'; loadbalancerId: string; memberId: string; up: boolean }
  /** Answers an `acquire`: how many more slots the worker now holds (0: the limit is reached everywhere). */
  | { t: 'grant'; id: number; slots: number }
  /** Asks the worker to hand back the slots it holds but does not use; answered by a `release` with `reclaimed`. */
  | { t: 'reclaim'; key: string }
  /**
   * Stick entries: one another worker made, the one the control process kept over this worker's proposal, or all
   * it has, for a worker started anew. Pairs of key and member id.
   */
  | { t: 'stuck'; pool: string; entries: [string, string][] };

/** A worker to the control process. */
export type FromWorker =
  | { t: 'ready' }
  | {
      t: 'done';
      id: number;
      error?: string;
      stats?: [string, TrafficCounters][];
      members?: [string, MemberTraffic][];
    }
  | { t: 'acquire'; id: number; key: string; want: number }
  | { t: 'release'; key: string; slots: number; reclaimed: boolean }
  /** Session persistence: see StickSync.propose and touch. */
  | { t: 'stick'; pool: string; key: string; member: string; expected: string | null | undefined; idleMs: number }
  | { t: 'touch'; pool: string; key: string; idleMs: number };
