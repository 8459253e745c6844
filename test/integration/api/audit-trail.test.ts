import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyAuditLog } from '../../../src/audit/verify-audit-log.ts';
import { assertFault, Harness, type Json, type Reply, UNKNOWN_ID } from './harness.ts';

// The server writes its trail to the default place: audit.jsonl in the harness's data dir.
describe('audit trail of API writes', () => {
  let h: Harness;
  let path: string;
  before(async () => {
    h = await Harness.start();
    path = join(h.dir, 'audit.jsonl');
  });
  after(() => h.close());

  const entries = (): Json[] =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Json);
  /** Runs `fn` and returns the entries appended meanwhile. */
  const appended = async (fn: () => Promise<unknown>): Promise<Json[]> => {
    const mark = entries().length;
    await fn();
    return entries().slice(mark);
  };

  test('create, update and delete each append one entry with the object before and after', async () => {
    let lb: Json = {};
    const [created] = await appended(async () => {
      lb = await h.createLb({ name: 'audited' });
    });
    assert.equal(created?.method, 'POST');
    assert.equal(created?.path, '/v2/lbaas/loadbalancers');
    assert.equal(created?.status, 201);
    assert.equal(created?.result, 'accepted');
    assert.equal(created?.faultstring, null);
    assert.equal(created?.client, '127.0.0.1');
    assert.equal(typeof created?.request_id, 'string');
    assert.deepEqual(created?.user, { id: null, name: null });
    assert.equal(created?.project_id, lb.project_id);
    assert.deepEqual(created?.roles, ['admin']);
    assert.equal(created?.changes.length, 1);
    const [insert] = created?.changes ?? [];
    assert.deepEqual(
      [insert.kind, insert.id, insert.project_id, insert.before],
      ['loadbalancer', lb.id, lb.project_id, null],
    );
    assert.equal(insert.after.name, 'audited');
    assert.equal(insert.after.provisioning_status, 'PENDING_CREATE');

    const updates = await appended(async () => {
      assert.equal((await h.put(`loadbalancers/${lb.id}`, { loadbalancer: { name: 'renamed' } })).status, 200);
      await h.waitActive(lb.id);
    });
    assert.equal(updates.length, 1);
    assert.equal(updates[0]?.method, 'PUT');
    assert.deepEqual(
      updates[0]?.changes.map((c: Json) => [c.id, c.before.name, c.before.provisioning_status, c.after.name]),
      [[lb.id, 'audited', 'ACTIVE', 'renamed']],
    );
    assert.equal(updates[0]?.changes[0].after.provisioning_status, 'PENDING_UPDATE');

    // Octavia's DELETE marks the load balancer PENDING_DELETE; the controller removes it afterwards, unaudited.
    const deletes = await appended(async () => {
      assert.equal((await h.del(`loadbalancers/${lb.id}`)).status, 204);
      await h.idle();
    });
    assert.equal(deletes.length, 1);
    assert.equal(deletes[0]?.status, 204);
    assert.deepEqual(
      deletes[0]?.changes.map((c: Json) => [c.id, c.before.provisioning_status, c.after.provisioning_status]),
      [[lb.id, 'ACTIVE', 'PENDING_DELETE']],
    );
  });

  test('GETs append nothing', async () => {
    const lb = await h.createLb();
    const reads = await appended(async () => {
      assert.equal((await h.get('loadbalancers')).status, 200);
      assert.equal((await h.get(`loadbalancers/${lb.id}/status`)).status, 200);
      assert.equal((await h.get(`loadbalancers/${UNKNOWN_ID}`)).status, 404);
    });
    assert.deepEqual(reads, []);
  });

  test('concurrent writes each carry their own changes and no one else’s', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `concurrent-${i}`);
    let replies: Json[] = [];
    const posts = await appended(async () => {
      replies = await Promise.all(
        names.map((name) => h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId, name } })),
      );
    });
    assert.equal(posts.length, names.length);
    const ids = replies.map((reply) => reply.body.loadbalancer.id as string);
    for (const entry of posts) {
      // Only the request's own insert: neither a neighbour's nor the controller's move to ACTIVE it set off.
      assert.equal(entry.changes.length, 1, JSON.stringify(entry.changes));
      const [change] = entry.changes;
      assert.equal(change.before, null);
      assert.equal(change.after.provisioning_status, 'PENDING_CREATE');
      assert.equal(change.after.name, names[ids.indexOf(change.id)]);
    }
    assert.deepEqual(posts.map((entry) => entry.changes[0].id).sort(), [...ids].sort());

    await Promise.all(ids.map((id) => h.waitActive(id)));
    const puts = await appended(() =>
      Promise.all(ids.map((id, i) => h.put(`loadbalancers/${id}`, { loadbalancer: { name: `renamed-${i}` } }))),
    );
    assert.equal(puts.length, ids.length);
    for (const entry of puts) {
      const id = (entry.path as string).split('/').pop()!;
      assert.deepEqual(
        entry.changes.map((c: Json) => [c.id, c.before.name, c.after.name]),
        [[id, names[ids.indexOf(id)], `renamed-${ids.indexOf(id)}`]],
      );
    }
  });

  test('refused writes are logged with their faultstring and no changes', async () => {
    const lb = await h.createLb();
    const refusals: [string, Reply][] = [];
    const logged = await appended(async () => {
      const body = { loadbalancer: { vip_subnet_id: h.subnetId, admin_password: 'hunter2' } };
      refusals.push(['POST', await h.post('loadbalancers', body)]);
      refusals.push(['POST', await h.req('POST', 'loadbalancers', '{"loadbalancer":', { raw: true })]);
      refusals.push(['PUT', await h.put(`loadbalancers/${UNKNOWN_ID}`, { loadbalancer: { name: 'x' } })]);
      refusals.push(['DELETE', await h.req('DELETE', '/v2/lbaas/nothing-here?x=1&auth_token=hunter2')]);
      refusals.push(['PUT', await h.req('PUT', `loadbalancers/${lb.id}`, 'x'.repeat(3 << 20), { raw: true })]);
      // Nothing settles from here on, so the load balancer stays PENDING_UPDATE and its tree immutable.
      await h.server.reconciler.stop();
      assert.equal((await h.put(`loadbalancers/${lb.id}`, { loadbalancer: { name: 'locking' } })).status, 200);
      const listener = { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80 };
      refusals.push(['POST', await h.post('listeners', { listener })]);
    });
    assert.deepEqual(
      refusals.map(([, reply]) => reply.status),
      [400, 400, 404, 404, 413, 409],
    );
    assertFault(refusals[5]![1], 409, `Load Balancer ${lb.id} is immutable and cannot be updated.`);
    const refused = logged.filter((entry) => entry.result === 'refused');
    assert.deepEqual(
      refused.map((entry) => [entry.method, entry.status, entry.faultstring, entry.changes]),
      refusals.map(([method, reply]) => [method, reply.status, reply.body.faultstring, []]),
    );
    assert.equal(refused[3]?.path, '/v2/lbaas/nothing-here?x=1');
    assert.deepEqual(
      logged.map((entry) => entry.result),
      ['refused', 'refused', 'refused', 'refused', 'refused', 'accepted', 'refused'],
    );
  });

  test('the trail verifies intact and holds no secret', async () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----';
    const [created] = await appended(() =>
      h.post('loadbalancers', { loadbalancer: { vip_subnet_id: h.subnetId, description: pem } }),
    );
    assert.equal(created?.status, 201);
    assert.equal(created?.changes[0].after.description, '***');

    assert.deepEqual(await verifyAuditLog(path), { intact: true, entries: entries().length });
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.includes('hunter2'));
    assert.ok(!text.includes('PRIVATE KEY'));
  });
});
