/**
 * Shared harness for the API conformance suite: a real WeirServer on loopback over a temp data dir, a request
 * helper returning {status, body}, helpers that create each kind of object, and a wait for the reconciler.
 * Load balancers that name no provider get `noop` unless the test says otherwise (HarnessOptions.defaultProvider).
 * The proxy provider runs one worker process unless the test's YAML sets proxy.workers, and relays UDP in user space.
 * Expected answers come from real Octavia 11 captures in /work/oracle/captures.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { parseConfig } from '../../../src/config/load-config.ts';
import { DRIVER_FACTORIES } from '../../../src/dataplanes/registry.ts';
import { WeirServer } from '../../../src/server/weir-server.ts';
import { FakeKeystone } from '../../support/fake-keystone.ts';
import { selfSignedCertificate } from '../../support/self-signed.ts';
import { pkcs12, TestCa } from '../../support/test-pki.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field by the assertions
export type Json = Record<string, any>;

export interface Reply {
  status: number;
  body: Json;
  text: string;
}

export const UNKNOWN_ID = '99999999-2222-3333-4444-555555555555';

export interface HarnessOptions {
  /** Config file text; listen and data_dir are the harness's own. */
  yaml?: string;
  /**
   * server.default_provider when `yaml` sets none. Default `noop`: these tests are about the API, every option of
   * which noop accepts, and their load balancers' VIPs and ports are arbitrary, which noop never binds. Tests about
   * traffic name `provider: 'proxy'` on the load balancers they create. `null` leaves the key unset, so weir's own
   * default provider applies.
   */
  defaultProvider?: string | null;
  /**
   * `keystone`: tokens are validated by a FakeKeystone (`harness.keystone`), and the harness's own requests carry
   * a token of `ADMIN_PROJECT` with Keystone's `admin` role unless they bring an `x-auth-token` of their own.
   */
  auth?: 'keystone';
  /** keystone.token_cache_time; default 300. */
  tokenCacheTime?: number;
  /** Keystone answers over HTTPS with a throwaway certificate, which weir trusts through keystone.cafile. */
  keystoneTls?: boolean;
}

/** The project of the harness's administrator token in keystone mode. */
export const ADMIN_PROJECT = 'adadadadadadadadadadadadadadadad';

export class Harness {
  private constructor(
    readonly server: WeirServer,
    readonly dir: string,
    readonly subnetId: string,
    readonly subnetCidr: string,
    /** What the server logged as errors, as it runs. */
    readonly errors: string[],
    readonly keystone: FakeKeystone | undefined,
    private readonly defaultHeaders: Record<string, string>,
    /** The provider load balancers get when they name none. */
    readonly defaultProvider: string,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const dir = mkdtempSync(join(tmpdir(), 'weir-conf-'));
    const tls = options.keystoneTls ? selfSignedCertificate(dir, 'keystone') : undefined;
    const keystone = options.auth === 'keystone' ? await FakeKeystone.start(tls) : undefined;
    const yaml = parseDocument(options.yaml ?? '');
    const defaultProvider = options.defaultProvider === undefined ? 'noop' : options.defaultProvider;
    if (defaultProvider !== null && !yaml.hasIn(['server', 'default_provider'])) {
      yaml.setIn(['server', 'default_provider'], defaultProvider);
    }
    // One proxy worker process: traffic takes the path it takes in production, and balancing stays one sequence,
    // so distributions are exact. workers.test.ts runs several.
    if (!yaml.hasIn(['proxy', 'workers'])) yaml.setIn(['proxy', 'workers'], 1);
    // The harness runs in the test runner's own network namespace, whose kernel tables are not the tests' to write.
    if (!yaml.hasIn(['proxy', 'udp'])) yaml.setIn(['proxy', 'udp'], 'user_space');
    if (keystone) {
      yaml.setIn(['server', 'auth'], 'keystone');
      yaml.set('keystone', parseDocument(keystone.configYaml(options.tokenCacheTime, tls?.cert)).get('keystone'));
    }
    const config = parseConfig(yaml.toString(), 'harness.yaml', { listen: '127.0.0.1:0', dataDir: dir });
    const subnet = config.subnets[0]!;
    const errors: string[] = [];
    const server = await WeirServer.start(config, { info: () => {}, error: (m) => errors.push(m) });
    const adminHeaders: Record<string, string> = keystone
      ? { 'x-auth-token': keystone.issue({ projectId: ADMIN_PROJECT, roles: ['admin', 'member', 'reader'] }) }
      : {};
    const provider = config.server.default_provider ?? DRIVER_FACTORIES[0]!.name;
    return new Harness(server, dir, subnet.id, subnet.cidr, errors, keystone, adminHeaders, provider);
  }

  get base(): string {
    return this.server.address;
  }

  /** The port the API listens on. */
  get apiPort(): number {
    return Number(new URL(this.base).port);
  }

  /**
   * A server certificate of a throwaway CA stored in the key manager as a PKCS#12 secret, as Octavia's users store
   * theirs: the secret's reference, for a listener's default_tls_container_ref.
   */
  async storeCertificate(commonName = 'www.example.test'): Promise<string> {
    this.pki ??= TestCa.create(this.dir, 'harness ca');
    const certificate = this.pki.issue({ commonName, dnsNames: [commonName] });
    const reply = await this.req('POST', '/v1/secrets', {
      name: commonName,
      payload: pkcs12(this.pki, certificate).toString('base64'),
      payload_content_type: 'application/octet-stream',
      payload_content_encoding: 'base64',
    });
    assert.equal(reply.status, 201, reply.text);
    return reply.body.secret_ref as string;
  }

  private pki: TestCa | undefined;

  async close(): Promise<void> {
    await this.server.close();
    await this.keystone?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Sends `body` as JSON (or as the raw string given with `raw: true`). Paths under /v2/lbaas may be short. */
  async req(
    method: string,
    path: string,
    body?: unknown,
    options: { raw?: boolean; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.defaultHeaders, ...options.headers };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = options.raw ? String(body) : JSON.stringify(body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(this.url(path), { method, headers, body: payload });
    const text = await response.text();
    let parsed: Json = {};
    if (text !== '') {
      try {
        parsed = JSON.parse(text) as Json;
      } catch {
        parsed = { unparsed: text };
      }
    }
    return { status: response.status, body: parsed, text };
  }

  url(path: string): string {
    if (path.startsWith('/')) return `${this.base}${path}`;
    return `${this.base}/v2/lbaas/${path}`;
  }

  get = (path: string) => this.req('GET', path);
  post = (path: string, body?: unknown) => this.req('POST', path, body);
  put = (path: string, body?: unknown) => this.req('PUT', path, body);
  del = (path: string) => this.req('DELETE', path);

  /** A listener's stats once `ready` says they are (the workers report them a moment later), or as they are after ~5 s. */
  async listenerStats(listenerId: string, ready: (stats: Json) => boolean): Promise<Json> {
    let stats: Json = {};
    for (let i = 0; i < 50; i++) {
      stats = (await this.get(`listeners/${listenerId}/stats`)).body.stats as Json;
      if (ready(stats)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return stats;
  }

  /** Waits for the reconciler to settle everything queued. */
  async idle(): Promise<void> {
    await this.server.reconciler.idle();
  }

  /** Waits until the load balancer is ACTIVE (bounded: ~5 s). */
  async waitActive(lbId: string): Promise<Json> {
    const deadline = Date.now() + 5000;
    for (;;) {
      await this.server.reconciler.idle();
      const { status, body } = await this.get(`loadbalancers/${lbId}`);
      assert.equal(status, 200);
      if (body.loadbalancer.provisioning_status === 'ACTIVE') return body.loadbalancer;
      if (Date.now() > deadline) {
        assert.fail(`load balancer ${lbId} stuck in ${body.loadbalancer.provisioning_status}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async created(path: string, wrapper: string, body: Json, lbId?: string): Promise<Json> {
    const reply = await this.post(path, { [wrapper]: body });
    assert.equal(reply.status, 201, `POST ${path}: ${reply.text}`);
    const object = reply.body[wrapper] as Json;
    await this.waitActive(lbId ?? (object.id as string));
    return object;
  }

  /** Creates a load balancer on the configured subnet and waits for ACTIVE. */
  createLb(extra: Json = {}): Promise<Json> {
    return this.created('loadbalancers', 'loadbalancer', { vip_subnet_id: this.subnetId, ...extra });
  }

  createListener(lbId: string, extra: Json = {}): Promise<Json> {
    return this.created(
      'listeners',
      'listener',
      { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 80, ...extra },
      lbId,
    );
  }

  createPool(lbId: string, extra: Json = {}): Promise<Json> {
    const owner = extra.listener_id ? {} : { loadbalancer_id: lbId };
    return this.created('pools', 'pool', { ...owner, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', ...extra }, lbId);
  }

  createMember(lbId: string, poolId: string, extra: Json = {}): Promise<Json> {
    return this.created(
      `pools/${poolId}/members`,
      'member',
      { address: '10.0.0.5', protocol_port: 8080, ...extra },
      lbId,
    );
  }

  createHm(lbId: string, poolId: string, extra: Json = {}): Promise<Json> {
    return this.created(
      'healthmonitors',
      'healthmonitor',
      { pool_id: poolId, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3, ...extra },
      lbId,
    );
  }

  createL7Policy(lbId: string, listenerId: string, extra: Json = {}): Promise<Json> {
    return this.created('l7policies', 'l7policy', { listener_id: listenerId, action: 'REJECT', ...extra }, lbId);
  }

  createRule(lbId: string, policyId: string, extra: Json = {}): Promise<Json> {
    return this.created(
      `l7policies/${policyId}/rules`,
      'rule',
      { type: 'PATH', compare_type: 'STARTS_WITH', value: '/api', ...extra },
      lbId,
    );
  }

  /** Load balancer with an HTTP listener on port 80 and a default HTTP pool, all ACTIVE. */
  async createTree(): Promise<{ lb: Json; listener: Json; pool: Json }> {
    const lb = await this.createLb();
    const listener = await this.createListener(lb.id);
    const pool = await this.createPool(lb.id, { listener_id: listener.id });
    return { lb, listener, pool };
  }

  /** A load balancer with one of every child: listener, pool, member, monitor, L7 policy and rule. */
  async createFullTree(): Promise<Record<'lb' | 'listener' | 'pool' | 'member' | 'hm' | 'policy' | 'rule', Json>> {
    const { lb, listener, pool } = await this.createTree();
    const member = await this.createMember(lb.id, pool.id);
    const hm = await this.createHm(lb.id, pool.id);
    const policy = await this.createL7Policy(lb.id, listener.id);
    const rule = await this.createRule(lb.id, policy.id);
    return { lb, listener, pool, member, hm, policy, rule };
  }
}

/** Headers carrying a token of `projectId` with `roles` (keystone mode). */
export function tokenOf(h: Harness, projectId: string, roles: readonly string[]): Record<string, string> {
  if (!h.keystone) throw new Error('tokens need a harness started with auth: keystone');
  return { 'x-auth-token': h.keystone.issue({ projectId, roles }) };
}

/** Reads one captured Octavia exchange. */
export interface Capture {
  method: string;
  path: string;
  body: unknown;
  status: number;
  response: Json;
}

export async function capture(name: string): Promise<Capture> {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(join('/work/oracle/captures', `${name}.json`), 'utf8')) as Capture;
}

/** Asserts a fault reply: status and Octavia's faultstring. */
export function assertFault(reply: Reply, status: number, faultstring?: string | RegExp): void {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  assert.equal(typeof reply.body.faultstring, 'string', `no faultstring in ${reply.text}`);
  if (faultstring instanceof RegExp) assert.match(reply.body.faultstring, faultstring);
  else if (faultstring !== undefined) assert.equal(reply.body.faultstring, faultstring);
}
