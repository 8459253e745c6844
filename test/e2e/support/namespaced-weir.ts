import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeDataDir, removeDataDir, repoRoot } from './weir-process.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field by the assertions
export type Json = Record<string, any>;

/** What listenerWithPool makes: members and monitor are API fields (address, protocol_port, weight; type, delay...). */
export interface ServedListener {
  protocol: 'TCP' | 'UDP' | 'HTTP' | 'TERMINATED_HTTPS';
  /** The pool's protocol, when it is not the listener's (HTTP behind TERMINATED_HTTPS). */
  poolProtocol?: string;
  port: number;
  algorithm: string;
  members: readonly Json[];
  monitor?: Json;
  /** More fields of the listener (a connection_limit, say). */
  listener?: Json;
}

/** A TCP health monitor that finds a dead member within a few seconds: for tests that kill one. */
export const QUICK_TCP_MONITOR: Json = { type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 };

/** How weir is started: from its TypeScript sources under tsx, or from the compiled `dist/`. */
export type WeirEntry = 'source' | 'built';

/**
 * `weir serve` inside a network namespace, with a data dir and config of its own; its API answers on the
 * namespace's loopback (127.0.0.1:9876) and is called with curl inside the namespace.
 */
export class NamespacedWeir {
  private out = '';

  private child: ChildProcess | null = null;

  private constructor(
    readonly namespace: string,
    readonly dataDir: string,
    private readonly entry: WeirEntry,
  ) {}

  /**
   * Starts weir with `yaml` (server.data_dir is added) and resolves once it listens, bounded by 30 s. `entry`: the
   * TypeScript sources (tests), or the compiled `dist/` that `npm start` runs (benchmarks, which measure that).
   */
  static async start(namespace: string, yaml: string, entry: WeirEntry = 'source'): Promise<NamespacedWeir> {
    const dataDir = makeDataDir();
    writeFileSync(join(dataDir, 'weir.yaml'), `server:\n  data_dir: ${dataDir}\n${yaml}`);
    const weir = new NamespacedWeir(namespace, dataDir, entry);
    await weir.run();
    return weir;
  }

  /**
   * A second weir in `namespace` on a copy of this one's store, as another node reading the same state: this weir
   * is killed while its database files are copied (so the copy is whole), then started again.
   */
  async replicate(namespace: string): Promise<NamespacedWeir> {
    const dataDir = makeDataDir();
    const yaml = readFileSync(join(this.dataDir, 'weir.yaml'), 'utf8').replaceAll(this.dataDir, dataDir);
    writeFileSync(join(dataDir, 'weir.yaml'), yaml);
    await this.restart(() => {
      for (const file of readdirSync(this.dataDir).filter((f) => f.startsWith('weir.sqlite'))) {
        copyFileSync(join(this.dataDir, file), join(dataDir, file));
      }
    });
    const replica = new NamespacedWeir(namespace, dataDir, this.entry);
    await replica.run();
    return replica;
  }

  /** Kills weir (SIGKILL, as a crash would), runs `whileDown`, and starts it again on the same data dir. */
  async restart(whileDown: () => void = () => {}): Promise<void> {
    await this.kill();
    whileDown();
    await this.run();
  }

  private async run(): Promise<void> {
    this.out = '';
    const config = join(this.dataDir, 'weir.yaml');
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.namespace,
        process.execPath,
        ...(this.entry === 'built' ? ['dist/cli/main.js'] : ['--import', 'tsx', 'src/cli/main.ts']),
        'serve',
        '--config',
        config,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    this.child = child;
    child.stdout!.on('data', (chunk) => {
      this.out += chunk;
    });
    child.stderr!.on('data', (chunk) => {
      this.out += chunk;
    });
    for (let i = 0; i < 300 && !this.out.includes('weir listening on') && child.exitCode === null; i++) {
      await sleep(100);
    }
    if (!this.out.includes('weir listening on')) {
      const said = this.out;
      await this.stop();
      throw new Error(`weir did not start in ${this.namespace}:\n${said}`);
    }
  }

  private async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null)
      await new Promise((resolve) => child.once('exit', resolve));
  }

  /** weir's process id (`ip netns exec` runs weir in its own process). */
  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('weir is not running');
    return pid;
  }

  /** Everything weir wrote so far. */
  get output(): string {
    return this.out;
  }

  api(method: string, path: string, body?: unknown): { status: number; json: Json } {
    const args = ['netns', 'exec', this.namespace, 'curl', '-s', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}'];
    args.push('-X', method, `http://127.0.0.1:9876${path}`);
    if (body !== undefined) args.push('-H', 'content-type: application/json', '-d', JSON.stringify(body));
    const out = execFileSync('ip', args, { encoding: 'utf8', timeout: 15_000 });
    const at = out.lastIndexOf('\n');
    const text = out.slice(0, at);
    return { status: Number(out.slice(at + 1)), json: text ? JSON.parse(text) : {} };
  }

  /** POSTs `{ [wrapper]: fields }`, asserts 201 and returns the object created. */
  created(path: string, wrapper: string, fields: Json): Json {
    const response = this.api('POST', path, { [wrapper]: fields });
    assert.equal(response.status, 201, `POST ${path}: ${JSON.stringify(response.json)}`);
    return response.json[wrapper];
  }

  /** A flavor (with its profile) that makes `nat` load balancers stateless; its id. */
  statelessFlavor(): string {
    const profile = this.created('/v2/lbaas/flavorprofiles', 'flavorprofile', {
      name: 'stateless',
      provider_name: 'nat',
      flavor_data: '{"stateless": true}',
    });
    return this.created('/v2/lbaas/flavors', 'flavor', { name: 'stateless', flavor_profile_id: profile.id }).id;
  }

  /** Creates a load balancer on the subnet named `subnet` with `fields` and resolves, with it, once it is ACTIVE. */
  async loadBalancer(subnet: string, fields: Json): Promise<Json> {
    const subnets = this.api('GET', `/v2.0/subnets?name=${subnet}`).json.subnets as Json[];
    assert.equal(subnets?.length, 1, `the subnet "${subnet}" from the config`);
    const made = this.created('/v2/lbaas/loadbalancers', 'loadbalancer', { vip_subnet_id: subnets[0]!.id, ...fields });
    await this.waitActive(made.id);
    return made;
  }

  /**
   * A listener of `protocol` on `port`, its pool with `algorithm`, a health monitor of that pool when `monitor` has
   * its fields, and the members, the load balancer ACTIVE again after each; the ids made.
   */
  async listenerWithPool(
    loadbalancerId: string,
    { protocol, poolProtocol, port, algorithm, members, monitor, listener: extra }: ServedListener,
  ): Promise<{ listenerId: string; poolId: string; memberIds: string[] }> {
    const listener = this.created('/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: loadbalancerId,
      protocol,
      protocol_port: port,
      ...extra,
    });
    await this.waitActive(loadbalancerId);
    const pool = this.created('/v2/lbaas/pools', 'pool', {
      listener_id: listener.id,
      protocol: poolProtocol ?? protocol,
      lb_algorithm: algorithm,
    });
    await this.waitActive(loadbalancerId);
    if (monitor) {
      this.created('/v2/lbaas/healthmonitors', 'healthmonitor', { pool_id: pool.id, ...monitor });
      await this.waitActive(loadbalancerId);
    }
    const memberIds: string[] = [];
    for (const member of members) {
      memberIds.push(this.created(`/v2/lbaas/pools/${pool.id}/members`, 'member', member).id);
      await this.waitActive(loadbalancerId);
    }
    return { listenerId: listener.id, poolId: pool.id, memberIds };
  }

  /**
   * Polls a member's operating_status every 100 ms until it is `wanted` and resolves with the milliseconds that took;
   * fails once `budgetMs` have passed.
   */
  async memberStatus(poolId: string, memberId: string, wanted: string, budgetMs: number): Promise<number> {
    const started = Date.now();
    let status = '';
    while (Date.now() - started < budgetMs) {
      status = this.api('GET', `/v2/lbaas/pools/${poolId}/members/${memberId}`).json.member?.operating_status;
      if (status === wanted) return Date.now() - started;
      await sleep(100);
    }
    assert.fail(`member ${memberId} is ${status}, not ${wanted}, after ${budgetMs} ms`);
  }

  /** Resolves once the load balancer is ACTIVE; fails at ERROR or after `tries` polls 100 ms apart. */
  async waitActive(loadbalancerId: string, tries = 300): Promise<void> {
    let last = '';
    for (let i = 0; i < tries; i++) {
      last = this.api('GET', `/v2/lbaas/loadbalancers/${loadbalancerId}`).json.loadbalancer?.provisioning_status;
      if (last === 'ACTIVE') return;
      if (last === 'ERROR') break;
      await sleep(100);
    }
    // What weir logs about a failed apply may come a moment after the status.
    await sleep(500);
    assert.fail(`load balancer ${loadbalancerId} is ${last}, not ACTIVE; weir said:\n${this.out.slice(-2000)}`);
  }

  async stop(): Promise<void> {
    await this.kill();
    removeDataDir(this.dataDir);
  }
}
