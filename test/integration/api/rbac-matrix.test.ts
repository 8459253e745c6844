/**
 * Octavia's RBAC, cell by cell: every route x seven role sets x own/foreign project, replayed against weir in
 * keystone mode from what the real Octavia 11 answered (test/fixtures/octavia-11/rbac-matrix.json and its
 * RBAC-README.md). The setup and the fresh target of every write follow the capture, so statuses, faultstrings and
 * the number of objects each list shows can be compared exactly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Harness, type Json, tokenOf } from './harness.ts';

interface Cell {
  role: string;
  method: string;
  path: string;
  scope: 'own' | 'foreign' | 'none';
  body: Json | null;
  status: number;
  faultstring: string | null;
  visible?: { own: number; foreign: number };
}

const matrix = JSON.parse(
  readFileSync(new URL('../../fixtures/octavia-11/rbac-matrix.json', import.meta.url), 'utf8'),
) as { projects: { own: string; foreign: string }; roles: Record<string, string[]>; cells: Cell[] };
const A = matrix.projects.own;
const B = matrix.projects.foreign;

/**
 * Where weir answers differently from Octavia on purpose, after the policy allowed the call: weir's amphorae are
 * its own nodes, which always report statistics (Octavia's noop amphorae report none).
 */
const EXPECTED_DIFFERENCES: Record<string, number> = {
  'GET /v2/octavia/amphorae/{amphora_id}/stats': 200,
};

let h: Harness;
type Ids = Record<string, string>;
const trees: Record<'own' | 'foreign', Ids> = { own: {}, foreign: {} };
const scratch: Record<'own' | 'foreign', Ids> = { own: {}, foreign: {} };
const catalog: Ids = {};

const asAdmin = async (method: string, path: string, body?: Json, expect = [200, 201, 202, 204]): Promise<Json> => {
  const reply = await h.req(method, path, body);
  assert.ok(expect.includes(reply.status), `${method} ${path}: ${reply.status} ${reply.text}`);
  return reply.body;
};

async function created(path: string, wrapper: string, body: Json, lbId?: string): Promise<string> {
  const object = (await asAdmin('POST', path, { [wrapper]: body }))[wrapper] as Json;
  await h.waitActive(lbId ?? (object.id as string));
  return object.id as string;
}

const newLb = (project: string) =>
  created('loadbalancers', 'loadbalancer', { vip_subnet_id: h.subnetId, project_id: project });
const newListener = (lb: string, port: number) =>
  created('listeners', 'listener', { loadbalancer_id: lb, protocol: 'HTTP', protocol_port: port }, lb);
const newPool = (lb: string, listener?: string) =>
  created(
    'pools',
    'pool',
    listener
      ? { listener_id: listener, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }
      : { loadbalancer_id: lb, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
    lb,
  );
const newMember = (lb: string, pool: string, address: string) =>
  created(`pools/${pool}/members`, 'member', { address, protocol_port: 80 }, lb);
const newHm = (lb: string, pool: string) =>
  created('healthmonitors', 'healthmonitor', { pool_id: pool, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 }, lb);
const newPolicy = (lb: string, listener: string) =>
  created('l7policies', 'l7policy', { listener_id: listener, action: 'REJECT' }, lb);
const newRule = (lb: string, policy: string) =>
  created(`l7policies/${policy}/rules`, 'rule', { type: 'PATH', compare_type: 'STARTS_WITH', value: '/r' }, lb);

let port = 2000;
let address = 1;
const nextPort = () => port++;
const nextAddress = () => `10.1.${Math.floor(address / 250)}.${(address++ % 250) + 1}`;

async function catalogEntries(suffix: string, profilesOnly = false): Promise<Ids> {
  const provider_name = h.defaultProvider;
  const created = async (path: string, wrapper: string, body: Json) =>
    ((await asAdmin('POST', path, { [wrapper]: body }))[wrapper] as Json).id as string;
  const flavorprofile = await created('flavorprofiles', 'flavorprofile', {
    name: `fp-${suffix}`,
    provider_name,
    flavor_data: '{}',
  });
  const azprofile = await created('availabilityzoneprofiles', 'availability_zone_profile', {
    name: `azp-${suffix}`,
    provider_name,
    availability_zone_data: '{}',
  });
  if (profilesOnly) return { flavorprofile_id: flavorprofile, azprofile_id: azprofile };
  const flavor = await created('flavors', 'flavor', { name: `flavor-${suffix}`, flavor_profile_id: flavorprofile });
  const az = `az-${suffix}`;
  await asAdmin('POST', 'availabilityzones', {
    availability_zone: { name: az, availability_zone_profile_id: azprofile },
  });
  return { flavorprofile_id: flavorprofile, flavor_id: flavor, azprofile_id: azprofile, az_name: az };
}

async function amphoraOf(lb: string): Promise<string> {
  const amphorae = (await asAdmin('GET', `/v2/octavia/amphorae?loadbalancer_id=${lb}`)).amphorae as Json[];
  return amphorae[0]!.id as string;
}

before(async () => {
  h = await Harness.start({ auth: 'keystone' });
  for (const scope of ['own', 'foreign'] as const) {
    const project = scope === 'own' ? A : B;
    const lb = await newLb(project);
    const listener = await newListener(lb, 80);
    const pool = await newPool(lb, listener);
    const member = await newMember(lb, pool, nextAddress());
    const hm = await newHm(lb, pool);
    const l7policy = await newPolicy(lb, listener);
    const l7rule = await newRule(lb, l7policy);
    trees[scope] = { lb_id: lb, listener_id: listener, pool_id: pool, member_id: member, hm_id: hm };
    Object.assign(trees[scope], { l7policy_id: l7policy, l7rule_id: l7rule, project_id: project });
    const scratchLb = await newLb(project);
    const scratchListener = await newListener(scratchLb, 81);
    scratch[scope] = {
      lb_id: scratchLb,
      listener_id: scratchListener,
      pool_id: await newPool(scratchLb),
      l7policy_id: await newPolicy(scratchLb, scratchListener),
      project_id: project,
    };
    await asAdmin('PUT', `quotas/${project}`, { quota: { load_balancer: -1 } });
  }
  Object.assign(catalog, await catalogEntries('setup'), { amphora_id: await amphoraOf(trees.own.lb_id!) });
});

after(() => h.close());

/** The placeholders of one cell, with the fresh target its write needs made just before, as in the capture. */
async function placeholders(cell: Cell): Promise<Ids> {
  const scope = cell.scope === 'none' ? 'own' : cell.scope;
  const project = scope === 'own' ? A : B;
  const base: Ids = { subnet_id: h.subnetId, provider: h.defaultProvider, ...catalog };
  if (cell.method === 'GET') return { ...base, ...trees[scope] };
  const parents = scratch[scope];
  const path = cell.path.split('?')[0]!;
  const fresh: Ids = { ...parents };
  switch (`${cell.method} ${path}`) {
    case 'PUT /v2/lbaas/loadbalancers/{lb_id}':
    case 'DELETE /v2/lbaas/loadbalancers/{lb_id}':
    case 'PUT /v2/lbaas/loadbalancers/{lb_id}/failover':
      fresh.lb_id = await newLb(project);
      if (cell.path.includes('cascade')) await newListener(fresh.lb_id, 80);
      break;
    case 'PUT /v2/lbaas/listeners/{listener_id}':
    case 'DELETE /v2/lbaas/listeners/{listener_id}':
      fresh.listener_id = await newListener(parents.lb_id!, nextPort());
      break;
    case 'PUT /v2/lbaas/pools/{pool_id}':
    case 'DELETE /v2/lbaas/pools/{pool_id}':
    case 'POST /v2/lbaas/healthmonitors':
      fresh.pool_id = await newPool(parents.lb_id!);
      break;
    case 'PUT /v2/lbaas/pools/{pool_id}/members/{member_id}':
    case 'DELETE /v2/lbaas/pools/{pool_id}/members/{member_id}':
      fresh.member_id = await newMember(parents.lb_id!, parents.pool_id!, nextAddress());
      break;
    case 'PUT /v2/lbaas/pools/{pool_id}/members':
      fresh.pool_id = await newPool(parents.lb_id!);
      await newMember(parents.lb_id!, fresh.pool_id, nextAddress());
      break;
    case 'PUT /v2/lbaas/healthmonitors/{hm_id}':
    case 'DELETE /v2/lbaas/healthmonitors/{hm_id}':
      fresh.hm_id = await newHm(parents.lb_id!, await newPool(parents.lb_id!));
      break;
    case 'PUT /v2/lbaas/l7policies/{l7policy_id}':
    case 'DELETE /v2/lbaas/l7policies/{l7policy_id}':
      fresh.l7policy_id = await newPolicy(parents.lb_id!, parents.listener_id!);
      break;
    case 'PUT /v2/lbaas/l7policies/{l7policy_id}/rules/{l7rule_id}':
    case 'DELETE /v2/lbaas/l7policies/{l7policy_id}/rules/{l7rule_id}':
      fresh.l7rule_id = await newRule(parents.lb_id!, parents.l7policy_id!);
      break;
    case 'PUT /v2/lbaas/quotas/{project_id}':
      await asAdmin('DELETE', `quotas/${project}`);
      break;
    case 'DELETE /v2/lbaas/quotas/{project_id}':
      await asAdmin('PUT', `quotas/${project}`, { quota: { load_balancer: -1 } });
      break;
    case 'PUT /v2/octavia/amphorae/{amphora_id}/config':
    case 'PUT /v2/octavia/amphorae/{amphora_id}/failover':
    case 'DELETE /v2/octavia/amphorae/{amphora_id}':
      fresh.amphora_id = await amphoraOf(await newLb(A));
      break;
    default:
      if (
        /^(PUT|DELETE) \/v2\/lbaas\/(flavors|flavorprofiles|availabilityzones|availabilityzoneprofiles)\//.test(
          `${cell.method} ${path}`,
        )
      ) {
        // A profile to change must be one no flavor or zone uses yet, as the capture's fresh ones were.
        Object.assign(fresh, await catalogEntries(`fresh-${nextPort()}`, path.includes('profiles/')));
      }
  }
  return { ...base, ...fresh };
}

const fill = (text: string, ids: Ids) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (ids[name] !== undefined ? ids[name]! : whole));

/** Catalogue bodies name Octavia's provider and its keys; weir's are its own. */
function bodyFor(cell: Cell, ids: Ids): Json | undefined {
  if (cell.body === null) return undefined;
  const body = JSON.parse(fill(JSON.stringify(cell.body), ids)) as Json;
  const entry = (body.flavorprofile ?? body.availability_zone_profile) as Json | undefined;
  if (entry) {
    entry.provider_name = h.defaultProvider;
    if ('flavor_data' in entry) entry.flavor_data = '{}';
    if ('availability_zone_data' in entry) entry.availability_zone_data = '{}';
  }
  return body;
}

test('every role, route and project is answered as the real Octavia 11 answers', async () => {
  const differences: string[] = [];
  // Reads first, for every role, so every role sees the same objects; then the writes, as in the capture.
  const ordered = [
    ...matrix.cells.filter((c) => c.method === 'GET'),
    ...matrix.cells.filter((c) => c.method !== 'GET'),
  ];
  for (const cell of ordered) {
    const ids = await placeholders(cell);
    const path = fill(cell.path, ids);
    const reply = await h.req(cell.method, path, bodyFor(cell, ids), {
      headers: tokenOf(h, A, matrix.roles[cell.role]!),
    });
    await h.idle();
    const label = `${cell.role} ${cell.method} ${cell.path} ${cell.scope}`;
    const allowed = cell.status !== 403;
    const expected = (allowed && EXPECTED_DIFFERENCES[`${cell.method} ${cell.path}`]) || cell.status;
    if (reply.status !== expected) {
      differences.push(`${label}: ${reply.status} (Octavia ${cell.status}) ${reply.text.slice(0, 160)}`);
      continue;
    }
    if (cell.faultstring !== null && expected === cell.status) {
      const faultstring = fill(cell.faultstring, ids).replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>');
      const actual = String(reply.body.faultstring).replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>');
      if (actual !== faultstring) differences.push(`${label}: "${actual}" (Octavia "${faultstring}")`);
    }
    if (cell.visible) {
      const items = (Object.values(reply.body).find(Array.isArray) ?? []) as Json[];
      const visible = {
        own: items.filter((i) => i.project_id === A).length,
        foreign: items.filter((i) => i.project_id === B).length,
      };
      if (visible.own !== cell.visible.own || visible.foreign !== cell.visible.foreign) {
        differences.push(`${label}: shows ${JSON.stringify(visible)} (Octavia ${JSON.stringify(cell.visible)})`);
      }
    }
  }
  assert.ok(matrix.cells.length > 800);
  assert.deepEqual(differences, []);
});
