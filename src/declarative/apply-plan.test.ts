import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileTrees, serviceTrees } from '../../test/support/service-trees.ts';
import type { Collection } from '../client/collections.ts';
import { type Json, OctaviaClient, type Query } from '../client/octavia-client.ts';
import { applyPlan } from './apply-plan.ts';
import { planChanges } from './plan.ts';

/** An API that records each write (`POST members`) and answers every load balancer ACTIVE. */
class RecordingClient extends OctaviaClient {
  readonly writes: string[] = [];
  private made = 0;

  constructor() {
    super('http://127.0.0.1:1', {});
  }

  override async show(collection: Collection, id: string): Promise<Json> {
    return { id, name: collection.key, provisioning_status: 'ACTIVE' };
  }
  override async create(collection: Collection, fields: Json): Promise<Json> {
    this.writes.push(`POST ${collection.listKey} ${fields.address ?? fields.name ?? ''}`.trim());
    return { id: `made-${++this.made}` };
  }
  override async update(collection: Collection, id: string): Promise<Json> {
    this.writes.push(`PUT ${collection.listKey} ${id}`);
    return { id };
  }
  override async remove(collection: Collection, id: string, _options: { query?: Query } = {}): Promise<void> {
    this.writes.push(`DELETE ${collection.listKey} ${id}`);
  }
}

const file = (members: string, extra = '') => `loadbalancers:
  - name: web
    vip_subnet_id: local
    listeners:
      - { protocol: HTTP, protocol_port: 80, default_pool: app }
    pools:
      - name: app
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
        members: [${members}]
${extra}`;

async function writesOf(from: string, to: string): Promise<string[]> {
  const client = new RecordingClient();
  const plan = planChanges(fileTrees(to), serviceTrees(from), { prune: false });
  await applyPlan(client, plan, { timeoutMs: 1000 });
  return client.writes;
}

const A = '{ address: 10.0.0.1, protocol_port: 80 }';
const B = '{ address: 10.0.0.2, protocol_port: 80 }';

test('make before break: a member is swapped by adding the new one before the old one goes', async () => {
  assert.deepEqual(await writesOf(file(A), file(B)), [
    'POST members 10.0.0.2',
    'DELETE members web/app/10.0.0.1:80#id',
  ]);
});

test('a member in the way of its replacement goes first', async () => {
  const onSubnet = '{ address: 10.0.0.1, protocol_port: 80, subnet_id: 11111111-2222-3333-4444-555555555555 }';
  assert.deepEqual(await writesOf(file(A), file(onSubnet)), [
    'DELETE members web/app/10.0.0.1:80#id',
    'POST members 10.0.0.1',
  ]);
});

test('a new default pool is made and named before the old pool goes, its members first', async () => {
  const next = `      - name: next
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
        members: [${B}]
`;
  const to = file(B)
    .replace('default_pool: app', 'default_pool: next')
    .replace(/ {6}- name: app[\s\S]*$/, next);
  assert.deepEqual(await writesOf(file(`${A}, ${B}`), to), [
    'POST pools next',
    'POST members 10.0.0.2',
    'PUT listeners web/HTTP:80#id',
    'DELETE members web/app/10.0.0.1:80#id',
    'DELETE members web/app/10.0.0.2:80#id',
    'DELETE pools web/app#id',
  ]);
});
