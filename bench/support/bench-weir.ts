import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { allocatorEnv } from '../../src/dataplanes/proxy/workers/allocator-env.ts';
import { type Json, NamespacedWeir } from '../../test/e2e/support/namespaced-weir.ts';
import { makeDataDir, removeDataDir, repoRoot } from '../../test/e2e/support/weir-process.ts';
import type { BenchNamespaces } from './bench-namespaces.ts';

/** The subnet `vips` weir allocates VIPs from; with `device`, weir puts them on that interface of its node. */
export interface VipSubnet {
  cidr: string;
  first: string;
  last: string;
  device?: string;
}

/**
 * By default 192.0.2.10-250 on no interface: the kernel `nat` provider DNATs them, and clients reach them by routing
 * through weir's node.
 */
const ROUTED_VIPS: VipSubnet = { cidr: '192.0.2.0/24', first: '192.0.2.10', last: '192.0.2.250' };

let built = false;

/**
 * Compiles `dist/` from the sources as they are, once per run: benchmarks measure what `npm start` runs. Under tsx
 * the same proxy served a quarter fewer requests per CPU second (esbuild wraps every class-field arrow function).
 */
function buildOnce(): void {
  if (built) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit', timeout: 120_000 });
  built = true;
}

/**
 * A real `weir serve`, compiled, in a benchmark's namespace, allocating VIPs from `vips`, with `more` config (YAML)
 * after.
 */
export function startBenchWeir(namespace: string, vips: VipSubnet = ROUTED_VIPS, more = ''): Promise<NamespacedWeir> {
  buildOnce();
  return NamespacedWeir.start(
    namespace,
    [
      'subnets:',
      '  - name: vips',
      `    cidr: ${vips.cidr}`,
      ...(vips.device ? [`    interface: ${vips.device}`] : []),
      `    allocation_pools: [{start: ${vips.first}, end: ${vips.last}}]`,
      more,
    ].join('\n'),
    'built',
  );
}

export interface BenchLoadBalancer {
  id: string;
  vip: string;
  /** Per listener port: the listener, its pool and its one member. */
  listeners: Map<number, { listenerId: string; poolId: string; memberId: string }>;
}

/** A load balancer on `provider` with one TCP listener, pool and member per entry of `listeners`. */
export async function createLoadBalancer(
  weir: NamespacedWeir,
  listeners: readonly { port: number; member: { address: string; port: number } }[],
  provider: 'nat' | 'dsr' = 'nat',
): Promise<BenchLoadBalancer> {
  const subnet = weir.api('GET', '/v2.0/subnets?name=vips').json.subnets[0].id as string;
  const lb = await created(weir, '', '/v2/lbaas/loadbalancers', 'loadbalancer', {
    vip_subnet_id: subnet,
    provider,
  });
  const result: BenchLoadBalancer = { id: lb.id, vip: lb.vip_address, listeners: new Map() };
  for (const { port, member } of listeners) {
    const listener = await created(weir, lb.id, '/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lb.id,
      protocol: 'TCP',
      protocol_port: port,
    });
    const pool = await created(weir, lb.id, '/v2/lbaas/pools', 'pool', {
      listener_id: listener.id,
      protocol: 'TCP',
      lb_algorithm: 'ROUND_ROBIN',
    });
    const added = await created(weir, lb.id, `/v2/lbaas/pools/${pool.id}/members`, 'member', {
      address: member.address,
      protocol_port: member.port,
    });
    result.listeners.set(port, { listenerId: listener.id, poolId: pool.id, memberId: added.id });
  }
  return result;
}

/** POSTs one object and waits until its load balancer (the one created, when `lbId` is empty) is ACTIVE again. */
async function created(weir: NamespacedWeir, lbId: string, path: string, wrapper: string, fields: Json): Promise<Json> {
  const response = weir.api('POST', path, { [wrapper]: fields });
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(response.json)}`);
  const object = response.json[wrapper] as Json;
  await waitActive(weir, lbId || object.id);
  return object;
}

/** Waits, at most 60 s, until the load balancer is ACTIVE; throws if it goes to ERROR or stays pending. */
export async function waitActive(weir: NamespacedWeir, id: string): Promise<void> {
  let status = '';
  for (let i = 0; i < 1200; i++) {
    status = weir.api('GET', `/v2/lbaas/loadbalancers/${id}`).json.loadbalancer?.provisioning_status;
    if (status === 'ACTIVE') return;
    if (status === 'ERROR') break;
    await sleep(i < 20 ? 5 : 50);
  }
  throw new Error(`load balancer ${id} is ${status}, not ACTIVE; weir said:\n${weir.output.slice(-2000)}`);
}

/** The VIPs of the proxy benchmarks: on loopback, in their one namespace. */
const LOOPBACK_VIPS: VipSubnet = { cidr: '127.0.0.0/8', first: '127.0.100.1', last: '127.0.100.254' };

/**
 * weir for the proxy benchmarks in namespace `ns`, VIPs from 127.0.100.1-254, and a scratch directory for the other
 * processes' files; both directories are removed on exit. `proxy.workers: 1`: the proxy runs as it does by default,
 * in a worker process (one per core), given one core here. In the weir process itself (`workers: 0`) its heap is the
 * API's and the controller's too, and each major GC, which relaying at 10 Gbit/s brings on several times a second
 * (every read is a new 64 KiB buffer), marks all of it: TCP bulk ran at half the speed.
 */
export async function startProxyBenchWeir(
  net: BenchNamespaces,
  ns: string,
): Promise<{ weir: NamespacedWeir; dir: string }> {
  const dir = makeDataDir();
  // Started with the allocator setting bin/weir gives it.
  const before = process.env.MALLOC_TRIM_THRESHOLD_;
  Object.assign(process.env, allocatorEnv());
  const weir = await startBenchWeir(net.ns(ns), LOOPBACK_VIPS, 'proxy:\n  workers: 1\n');
  if (before === undefined) delete process.env.MALLOC_TRIM_THRESHOLD_;
  // On exit too: an interrupted run leaves through process.exit, which skips `finally`.
  process.once('exit', () => {
    removeDataDir(weir.dataDir);
    removeDataDir(dir);
  });
  return { weir, dir };
}
