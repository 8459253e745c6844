import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertFault, Harness, type Json, UNKNOWN_ID } from './harness.ts';

// List semantics of Octavia 11: captures 317-358.
describe('list semantics', () => {
  let h: Harness;
  const lbs: Json[] = [];

  before(async () => {
    h = await Harness.start();
    lbs.push(await h.createLb({ name: 'alpha', tags: ['a', 'b'] }));
    lbs.push(await h.createLb({ name: 'bravo', tags: ['a'] }));
    lbs.push(await h.createLb({ name: 'charlie', tags: ['t1', 't2'] }));
  });
  after(() => h.close());

  const names = (reply: { body: Json }): string[] => reply.body.loadbalancers.map((lb: Json) => lb.name);

  test('limit + marker pages through everything with loadbalancers_links (captures 317, 341, 342)', async () => {
    const page1 = await h.get('loadbalancers?limit=2&sort=created_at:asc');
    assert.equal(page1.status, 200);
    assert.deepEqual(names(page1), ['alpha', 'bravo']);
    const links1 = page1.body.loadbalancers_links as Json[];
    assert.equal(links1.length, 1);
    assert.equal(links1[0]!.rel, 'next');
    assert.equal(links1[0]!.href, `${h.base}/v2/lbaas/loadbalancers?limit=2&sort=created_at:asc&marker=${lbs[1]!.id}`);

    const next = new URL(links1[0]!.href);
    const page2 = await h.get(`${next.pathname}${next.search}`);
    assert.equal(page2.status, 200);
    assert.deepEqual(names(page2), ['charlie']);
    const links2 = page2.body.loadbalancers_links as Json[];
    assert.deepEqual(links2, [
      {
        href: `${h.base}/v2/lbaas/loadbalancers?limit=2&sort=created_at:asc&marker=${lbs[2]!.id}&page_reverse=True`,
        rel: 'previous',
      },
    ]);
  });

  test('limit=1 answers one item and a next link (capture 317)', async () => {
    const reply = await h.get('loadbalancers?limit=1');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.loadbalancers.length, 1);
    assert.equal(reply.body.loadbalancers_links[0].rel, 'next');
  });

  test('unknown marker -> 400 (captures 321, 322)', async () => {
    assertFault(
      await h.get(`loadbalancers?marker=${UNKNOWN_ID}`),
      400,
      `Supplied pagination marker '${UNKNOWN_ID}' is not valid.`,
    );
    assertFault(await h.get('loadbalancers?marker=abc'), 400, "Supplied pagination marker 'abc' is not valid.");
  });

  test('fields= keeps only the named attributes, repeated; comma form as Octavia (captures 330, 331, 349)', async () => {
    const reply = await h.get('loadbalancers?fields=id&fields=name');
    assert.equal(reply.status, 200);
    for (const lb of reply.body.loadbalancers) assert.deepEqual(Object.keys(lb).sort(), ['id', 'name']);
    // Octavia 11 takes `id,name` as one (unknown) attribute name and answers empty objects.
    const comma = await h.get('loadbalancers?fields=id,name');
    assert.deepEqual(comma.body.loadbalancers, [{}, {}, {}]);
    const one = await h.get(`loadbalancers/${lbs[0]!.id}?fields=id&fields=name`);
    assert.deepEqual(one.body.loadbalancer, { id: lbs[0]!.id, name: 'alpha' });
  });

  test('fields=nosuch answers empty objects (capture 332)', async () => {
    const reply = await h.get('loadbalancers?fields=nosuch');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.loadbalancers, [{}, {}, {}]);
  });

  test('sort=name:desc, sort=name:asc and sort_key/sort_dir (captures 326, 328)', async () => {
    assert.deepEqual(names(await h.get('loadbalancers?sort=name:desc')), ['charlie', 'bravo', 'alpha']);
    assert.deepEqual(names(await h.get('loadbalancers?sort=name:asc')), ['alpha', 'bravo', 'charlie']);
    assert.deepEqual(names(await h.get('loadbalancers?sort_key=name&sort_dir=desc')), ['charlie', 'bravo', 'alpha']);
  });

  test('unknown sort key -> 400 (capture 325)', async () => {
    assertFault(await h.get('loadbalancers?sort=nosuchkey:asc'), 400, "Supplied sort key 'nosuchkey' is not valid.");
  });

  test('attribute filters (captures 334-336, 339)', async () => {
    assert.deepEqual(names(await h.get('loadbalancers?name=bravo')), ['bravo']);
    assert.deepEqual(names(await h.get('loadbalancers?name=nomatch')), []);
    assert.equal((await h.get('loadbalancers?provisioning_status=ACTIVE')).body.loadbalancers.length, 3);
    assert.deepEqual(names(await h.get(`loadbalancers?vip_address=${lbs[2]!.vip_address}`)), ['charlie']);
  });

  test('tag filters: tags, tags-any, not-tags, not-tags-any (captures 351-358)', async () => {
    const sorted = async (query: string) => names(await h.get(`loadbalancers?${query}`)).sort();
    assert.deepEqual(await sorted('tags=a'), ['alpha', 'bravo']);
    assert.deepEqual(await sorted('tags=a,b'), ['alpha']);
    assert.deepEqual(await sorted('tags=a&tags=b'), ['alpha']);
    assert.deepEqual(await sorted('tags=t1,a'), []);
    assert.deepEqual(await sorted('tags-any=a,t1'), ['alpha', 'bravo', 'charlie']);
    assert.deepEqual(await sorted('not-tags=a'), ['charlie']);
    assert.deepEqual(await sorted('not-tags-any=b,t2'), ['bravo']);
    assert.deepEqual(await sorted('tags=zzz'), []);
  });

  test('unknown filter -> 400 (capture 333)', async () => {
    assertFault(
      await h.get('loadbalancers?nosuchattr=1'),
      400,
      'One or more arguments are either duplicate or invalid',
    );
  });

  test('child collections filter by load balancer and page too (captures 343, 346)', async () => {
    const l1 = await h.createListener(lbs[0]!.id, { protocol_port: 81 });
    await h.createListener(lbs[0]!.id, { protocol_port: 82 });
    await h.createListener(lbs[1]!.id, { protocol_port: 81 });
    const filtered = await h.get(`listeners?loadbalancer_id=${lbs[0]!.id}`);
    assert.equal(filtered.status, 200);
    assert.equal(filtered.body.listeners.length, 2);
    const page = await h.get('listeners?limit=1&sort=protocol_port:asc');
    assert.equal(page.body.listeners.length, 1);
    assert.equal(page.body.listeners_links[0].rel, 'next');
    const fields = await h.get(`listeners?fields=protocol_port&fields=protocol&loadbalancer_id=${lbs[0]!.id}`);
    assert.deepEqual(
      fields.body.listeners.map((l: Json) => Object.keys(l).sort()),
      [
        ['protocol', 'protocol_port'],
        ['protocol', 'protocol_port'],
      ],
    );
    assert.ok(l1.id);
  });
});
