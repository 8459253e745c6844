import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';
import { Counter, Gauge, Registry } from 'prom-client';
import type { LoadBalancerSpec, MemberSpec } from '../../../model/load-balancer-spec.ts';
import type { TrafficCounters } from '../../driver.ts';
import { RESPONSE_CLASSES } from '../../http-responses.ts';
import { LATENCY_BOUNDS_SECONDS } from '../../request-latency.ts';
import type { MemberTraffic } from '../traffic-counters.ts';

/** What a scrape of a PROMETHEUS listener shows: its own load balancer only, as the amphora's exporter does. */
export interface ExpositionInput {
  spec: LoadBalancerSpec;
  /** Per listener id, summed over every process. */
  listeners: ReadonlyMap<string, TrafficCounters>;
  /** Per member id, summed over every process. */
  members: ReadonlyMap<string, MemberTraffic>;
  /** Whether health checks (and passive checks) last found the member up. */
  memberUp: (memberId: string) => boolean;
}

/** The states HAProxy's status metrics list, each series 1 for the current state and 0 for the others. */
const SERVICE_STATES = ['DOWN', 'UP'] as const;
const MEMBER_STATES = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB'] as const;
type MemberState = (typeof MEMBER_STATES)[number];

/** One series per state, as HAProxy's `*_status` metrics: 1 for `current`, 0 for the others. */
function setState(gauge: Gauge, labels: Record<string, string>, states: readonly string[], current: string): void {
  for (const state of states) gauge.set({ ...labels, state }, state === current ? 1 : 0);
}

/**
 * The `pool` label: the amphora's HAProxy names a backend `<pool id>:<listener id>` after the listener using it
 * (its default pool, else the first L7 policy redirecting to it); a pool no listener uses has its id alone.
 */
function poolLabel(spec: LoadBalancerSpec, poolId: string): string {
  const user =
    spec.listeners.find((l) => l.defaultPoolId === poolId) ??
    spec.listeners.find((l) => l.l7policies.some((p) => p.redirectPoolId === poolId));
  return user ? `${poolId}:${user.id}` : poolId;
}

/**
 * The load balancer's metrics under the names, types and labels Octavia's amphora exposes (its exporter renames
 * HAProxy's: `octavia_loadbalancer_*`, `octavia_listener_*{listener}`, `octavia_pool_*{pool}`,
 * `octavia_member_*{pool,member}`), for what weir counts itself. Built afresh per scrape from the live counters.
 */
export async function octaviaExposition(input: ExpositionInput): Promise<string> {
  const { spec } = input;
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers: [registry] });

  const listeners = spec.listeners.filter((l) => l.protocol !== 'PROMETHEUS');
  const traffic = listeners.map((l) => ({ listener: l, counters: input.listeners.get(l.id) }));
  const sum = (pick: (c: TrafficCounters) => number | undefined) =>
    traffic.reduce((total, { counters }) => total + (counters ? (pick(counters) ?? 0) : 0), 0);

  gauge('octavia_loadbalancer_cpu', "The load balancer node's CPU load (one-minute load average per core, %).").set(
    Math.round((loadavg()[0]! / availableParallelism()) * 1000) / 10,
  );
  gauge('octavia_loadbalancer_memory', "The load balancer node's memory in use (%).").set(
    Math.round((1 - freemem() / totalmem()) * 1000) / 10,
  );
  if (spec.maxConnections !== null) {
    gauge('octavia_loadbalancer_max_connections', 'Concurrent connections the load balancer may hold.').set(
      spec.maxConnections,
    );
  }
  gauge('octavia_loadbalancer_current_connections', 'Connections open now, over all listeners.').set(
    sum((c) => c.activeConnections),
  );
  counter('octavia_loadbalancer_connections_total', 'Connections accepted, over all listeners.').inc(
    sum((c) => c.totalConnections),
  );
  counter('octavia_loadbalancer_requests_total', 'HTTP requests received, over all listeners.').inc(
    sum((c) => c.totalRequests),
  );
  gauge('octavia_loadbalancer_listeners', 'Listeners of the load balancer.').set(listeners.length);

  const byListener = ['listener'];
  const status = gauge('octavia_listener_status', 'Whether the listener accepts connections, per state label value.', [
    'listener',
    'state',
  ]);
  const current = gauge('octavia_listener_current_sessions', 'Connections open now.', byListener);
  const limit = gauge('octavia_listener_limit_sessions', 'The listener connection_limit.', byListener);
  const sessions = counter('octavia_listener_sessions_total', 'Connections accepted.', byListener);
  const connections = counter('octavia_listener_connections_total', 'Connections accepted.', byListener);
  const bytesIn = counter('octavia_listener_bytes_in_total', 'Bytes received from clients.', byListener);
  const bytesOut = counter('octavia_listener_bytes_out_total', 'Bytes sent to clients.', byListener);
  const errors = counter('octavia_listener_request_errors_total', 'Requests refused as malformed.', byListener);
  const requests = counter('octavia_listener_http_requests_total', 'HTTP requests received.', byListener);
  const responses = counter('octavia_listener_http_responses_total', 'HTTP answers, per status class (code).', [
    'listener',
    'code',
  ]);
  const denied = counter('octavia_listener_requests_denied_total', 'HTTP requests an L7 policy rejected.', byListener);
  for (const { listener, counters } of traffic) {
    const labels = { listener: listener.id };
    setState(status, labels, SERVICE_STATES, spec.adminStateUp && listener.adminStateUp ? 'UP' : 'DOWN');
    if (listener.connectionLimit !== null) limit.set(labels, listener.connectionLimit);
    if (!counters) continue;
    current.set(labels, counters.activeConnections);
    sessions.inc(labels, counters.totalConnections);
    connections.inc(labels, counters.totalConnections);
    bytesIn.inc(labels, counters.bytesIn);
    bytesOut.inc(labels, counters.bytesOut);
    errors.inc(labels, counters.requestErrors);
    if (counters.totalRequests !== undefined) requests.inc(labels, counters.totalRequests);
    if (counters.deniedRequests !== undefined) denied.inc(labels, counters.deniedRequests);
    counters.responses?.forEach((count, i) => {
      responses.inc({ ...labels, code: RESPONSE_CLASSES[i]! }, count);
    });
  }

  const byPool = ['pool'];
  const byMember = ['pool', 'member'];
  const poolStatus = gauge(
    'octavia_pool_status',
    'Whether a member of the pool can serve (UP) or none can, per state label value.',
    ['pool', 'state'],
  );
  const active = gauge('octavia_pool_active_members', 'Members that can serve, backups left out.', byPool);
  const backup = gauge('octavia_pool_backup_members', 'Backup members that can serve.', byPool);
  const poolCurrent = gauge('octavia_pool_current_sessions', 'Exchanges under way with its members.', byPool);
  const poolTotal = counter('octavia_pool_sessions_total', 'Exchanges started with its members.', byPool);
  const memberStatus = gauge(
    'octavia_member_status',
    "The member's state, per state label value: DOWN (health checks), UP, MAINT (disabled), DRAIN (weight 0).",
    [...byMember, 'state'],
  );
  const weight = gauge('octavia_member_weight', "The member's weight.", byMember);
  const memberCurrent = gauge(
    'octavia_member_current_sessions',
    'Exchanges under way (HTTP requests, TCP connections, UDP flows).',
    byMember,
  );
  const memberTotal = counter('octavia_member_sessions_total', 'Exchanges started.', byMember);
  const stateOf = (member: MemberSpec): MemberState => {
    if (!member.adminStateUp) return 'MAINT';
    if (!input.memberUp(member.id)) return 'DOWN';
    return member.weight === 0 ? 'DRAIN' : 'UP';
  };
  for (const pool of spec.pools) {
    const label = poolLabel(spec, pool.id);
    const poolLabels = { pool: label };
    let serving = 0;
    let backups = 0;
    let under = 0;
    let started = 0;
    for (const member of pool.members) {
      const labels = { pool: label, member: member.id };
      const state = pool.adminStateUp ? stateOf(member) : 'MAINT';
      if (state === 'UP') {
        if (member.backup) backups++;
        else serving++;
      }
      setState(memberStatus, labels, MEMBER_STATES, state);
      weight.set(labels, member.weight);
      const exchanges = input.members.get(member.id) ?? { current: 0, total: 0 };
      memberCurrent.set(labels, exchanges.current);
      memberTotal.inc(labels, exchanges.total);
      under += exchanges.current;
      started += exchanges.total;
    }
    setState(poolStatus, poolLabels, SERVICE_STATES, serving + backups > 0 ? 'UP' : 'DOWN');
    active.set(poolLabels, serving);
    backup.set(poolLabels, backups);
    poolCurrent.set(poolLabels, under);
    poolTotal.inc(poolLabels, started);
  }
  return (await registry.metrics()) + latencyText(traffic);
}

const LATENCY_METRIC = 'weir_listener_request_duration_seconds';

/**
 * weir's extension: each HTTP-speaking listener's request durations (request sent to a member until its answer is
 * complete) as a histogram. Rendered here, as prom-client's histograms only observe values one by one, while these
 * come as bucket counts summed over the worker processes.
 */
function latencyText(traffic: { listener: { id: string }; counters: TrafficCounters | undefined }[]): string {
  const timed = traffic.filter(({ counters }) => counters?.latency !== undefined);
  if (timed.length === 0) return '';
  const lines = [
    `# HELP ${LATENCY_METRIC} HTTP requests through the listener by duration, from the request sent to a member to its answer complete.`,
    `# TYPE ${LATENCY_METRIC} histogram`,
  ];
  for (const { listener, counters } of timed) {
    const { buckets, sumSeconds } = counters!.latency!;
    const label = `listener="${listener.id}"`;
    let cumulative = 0;
    for (const [i, count] of buckets.entries()) {
      cumulative += count;
      const le = i < LATENCY_BOUNDS_SECONDS.length ? String(LATENCY_BOUNDS_SECONDS[i]) : '+Inf';
      lines.push(`${LATENCY_METRIC}_bucket{${label},le="${le}"} ${cumulative}`);
    }
    lines.push(`${LATENCY_METRIC}_sum{${label}} ${sumSeconds}`, `${LATENCY_METRIC}_count{${label}} ${cumulative}`);
  }
  return `${lines.join('\n')}\n`;
}
