import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Fault } from '../faults.ts';
import { applyListQuery, type Query } from './list-query.ts';

// The load balancers of a real Octavia 11 session; each expectation below is what that server answered.
const loadBalancer = (id: string, name: string, createdAt: string, tags: string[], adminStateUp = true) => ({
  id,
  name,
  description: '',
  admin_state_up: adminStateUp,
  project_id: 'p1',
  created_at: createdAt,
  flavor_id: null,
  listeners: [],
  tags,
  tenant_id: 'p1',
});
const A = loadBalancer('873d1f4e-e923-4a28-8276-e7d2c3180e45', 'lb1', '2026-11-27T17:12:32.207345', ['a']);
const B = loadBalancer('6c8c2854-f9a6-4a8a-bf33-437c55fe9288', 'lb2', '2026-11-27T17:12:33.376202', ['a', 'b']);
const C = loadBalancer('0dc5a2dd-298c-46a3-bc1b-e6bd939e5940', 'lb0', '2026-11-27T17:12:34.415179', ['b', 'c']);
const D = loadBalancer('58c8187c-2134-45f2-9bfb-651429287567', 'lb1', '2026-11-27T17:12:35.456011', []);
const E = loadBalancer('f54f7479-8c34-4b10-a645-46c01c0253c9', 'lb2', '2026-11-27T17:12:36.498966', ['a'], false);
const ALL = [A, B, C, D, E];
// Shuffled, so that the order always comes from sorting.
const STORED = [D, B, E, A, C];
const BASE = 'http://127.0.0.1:9881/v2/lbaas/loadbalancers';

const list = (query: Query, items: readonly (typeof A)[] = STORED) => applyListQuery(items, query, { baseUrl: BASE });
const idsOf = (query: Query) => list(query).items.map((item) => item.id);
const ids = (...items: (typeof A)[]) => items.map((item) => item.id);
const rejects = (query: Query, message: string) =>
  assert.throws(
    () => list(query),
    (error: unknown) => error instanceof Fault && error.status === 400 && error.message === message,
  );

const next = (query: string) => ({ rel: 'next', href: `${BASE}?${query}` });
const previous = (query: string) => ({ rel: 'previous', href: `${BASE}?${query}` });

describe('applyListQuery filters', () => {
  it('lists everything by created_at then id, ascending, with no links when the page is not full', () => {
    assert.deepEqual(list({}), { items: ALL, links: [] });
  });

  it('filters on attributes by exact match', () => {
    assert.deepEqual(idsOf({ name: 'lb1' }), ids(A, D));
    assert.deepEqual(idsOf({ name: 'LB1' }), []);
    assert.deepEqual(idsOf({ project_id: 'p2' }), []);
    assert.deepEqual(idsOf({ flavor_id: '' }), []);
    assert.deepEqual(idsOf({ id: A.id }), ids(A));
  });

  it('reads admin_state_up as a boolean word', () => {
    assert.deepEqual(idsOf({ admin_state_up: 'false' }), ids(E));
    assert.deepEqual(idsOf({ admin_state_up: 'xyz' }), ids(E));
    assert.deepEqual(idsOf({ admin_state_up: 'True' }), ids(A, B, C, D));
  });

  it('rejects unknown, aliased, non-scalar and repeated filters', () => {
    const invalid = 'One or more arguments are either duplicate or invalid';
    rejects({ foo: 'bar' }, invalid);
    rejects({ tenant_id: 'p1' }, invalid);
    rejects({ listeners: 'x' }, invalid);
    rejects({ name: ['lb1', 'lb2'] }, invalid);
    rejects({ limit: ['1', '2'] }, invalid);
  });

  it('answers an empty collection with the empty list whatever it filters or sorts on', () => {
    const result = applyListQuery([], { name: 'web', sort: 'name:asc' }, { baseUrl: BASE });
    assert.deepEqual(result, { items: [], links: [] });
  });

  it('accepts only the given filterable attributes, which are also the sort keys', () => {
    const filterable = new Set(['id', 'created_at', 'project_id']);
    const options = { baseUrl: BASE, filterable };
    assert.throws(() => applyListQuery(STORED, { name: 'lb1' }, options), /duplicate or invalid/);
    assert.throws(() => applyListQuery(STORED, { sort: 'name' }, options), /sort key 'name'/);
    assert.equal(applyListQuery([], { project_id: 'p1' }, options).items.length, 0);
  });

  it('filters on attributes the objects do not render', () => {
    const pools: (Record<string, unknown> & { loadbalancers: { id: string }[] })[] = [
      { id: 'p1', created_at: '1', loadbalancers: [{ id: 'lb-x' }] },
      { id: 'p2', created_at: '2', loadbalancers: [{ id: 'lb-y' }] },
    ];
    const result = applyListQuery(
      pools,
      { loadbalancer_id: 'lb-y' },
      {
        baseUrl: BASE,
        filterable: new Set(['id', 'created_at', 'loadbalancer_id']),
        attributeValue: (pool, attribute) =>
          attribute === 'loadbalancer_id' ? pool.loadbalancers[0]?.id : pool[attribute],
      },
    );
    assert.deepEqual(result.items, [pools[1]]);
  });

  it('filters on tags: all, any, not all, not any; commas and repeats combine', () => {
    assert.deepEqual(idsOf({ tags: 'a' }), ids(A, B, E));
    assert.deepEqual(idsOf({ tags: 'a,b' }), ids(B));
    assert.deepEqual(idsOf({ tags: ['a', 'b'] }), ids(B));
    assert.deepEqual(idsOf({ 'tags-any': 'a,c' }), ids(A, B, C, E));
    assert.deepEqual(idsOf({ 'tags-any': ['a', 'c'] }), ids(A, B, C, E));
    assert.deepEqual(idsOf({ 'not-tags': 'a,b' }), ids(A, C, D, E));
    assert.deepEqual(idsOf({ 'not-tags-any': 'a,c' }), ids(D));
    assert.deepEqual(idsOf({ tags: '' }), []);
    assert.deepEqual(idsOf({ 'not-tags': '' }), ids(...ALL));
    assert.deepEqual(idsOf({ tags: 'a', 'tags-any': 'b', 'not-tags': 'c' }), ids(B));
  });
});

describe('applyListQuery sorting', () => {
  it('sorts by sort=k:dir, breaking ties by created_at then id', () => {
    assert.deepEqual(idsOf({ sort: 'name' }), ids(C, A, D, B, E));
    assert.deepEqual(idsOf({ sort: 'name:DESC' }), ids(B, E, A, D, C));
    assert.deepEqual(idsOf({ sort: 'name:desc,id:asc' }), ids(B, E, D, A, C));
    assert.deepEqual(idsOf({ sort: 'admin_state_up:desc' }), ids(A, B, C, D, E));
    assert.deepEqual(idsOf({ sort: 'admin_state_up' }), ids(E, A, B, C, D));
  });

  it('sorts by the legacy sort_key/sort_dir, which sort overrides', () => {
    assert.deepEqual(idsOf({ sort_key: 'name', sort_dir: 'desc' }), ids(B, E, A, D, C));
    assert.deepEqual(idsOf({ sort_key: 'name,id', sort_dir: 'desc' }), ids(B, E, D, A, C));
    assert.deepEqual(idsOf({ sort_dir: 'desc' }), ids(...ALL));
    assert.deepEqual(idsOf({ sort: 'id', sort_key: 'name', sort_dir: 'desc' }), ids(C, D, B, A, E));
  });

  it('puts nulls first ascending', () => {
    const items = [
      { id: '1', created_at: '1', vip_qos_policy_id: 'q' },
      { id: '2', created_at: '2', vip_qos_policy_id: null },
    ];
    const sorted = applyListQuery(items, { sort: 'vip_qos_policy_id' }, { baseUrl: BASE });
    assert.deepEqual(
      sorted.items.map((item) => item.id),
      ['2', '1'],
    );
  });

  it('rejects unknown or non-scalar sort keys', () => {
    rejects({ sort: 'bogus' }, "Supplied sort key 'bogus' is not valid.");
    rejects({ sort: 'tenant_id' }, "Supplied sort key 'tenant_id' is not valid.");
    rejects({ sort: 'tags' }, "Supplied sort key 'tags' is not valid.");
    rejects({ sort: ',name' }, "Supplied sort key '' is not valid.");
  });
});

describe('applyListQuery paging', () => {
  it('links to the next page whenever the page is full', () => {
    assert.deepEqual(list({ limit: '2' }), { items: [A, B], links: [next(`limit=2&marker=${B.id}`)] });
    assert.deepEqual(list({ limit: '5' }).links, [next(`limit=5&marker=${E.id}`)]);
    assert.deepEqual(list({ limit: '2000' }).links, []);
  });

  it('pages after the marker, linking back with page_reverse', () => {
    assert.deepEqual(list({ marker: C.id }), {
      items: [D, E],
      links: [previous(`limit=1000&marker=${D.id}&page_reverse=True`)],
    });
    assert.deepEqual(list({ marker: C.id, limit: '1' }), {
      items: [D],
      links: [previous(`limit=1&marker=${D.id}&page_reverse=True`), next(`limit=1&marker=${D.id}`)],
    });
    assert.deepEqual(list({ marker: A.id, limit: '4' }).links, [
      previous(`limit=4&marker=${B.id}&page_reverse=True`),
      next(`limit=4&marker=${E.id}`),
    ]);
    assert.deepEqual(list({ marker: E.id, limit: '2' }), { items: [], links: [] });
  });

  it('with page_reverse=True takes what precedes the marker, in forward order from the start', () => {
    assert.deepEqual(list({ marker: C.id, page_reverse: 'True' }), {
      items: [A, B],
      links: [previous(`limit=1000&marker=${A.id}&page_reverse=True`)],
    });
    assert.deepEqual(list({ marker: C.id, page_reverse: 'True', limit: '1' }), {
      items: [A],
      links: [previous(`limit=1&marker=${A.id}&page_reverse=True`), next(`limit=1&marker=${A.id}`)],
    });
    assert.deepEqual(idsOf({ marker: C.id, page_reverse: 'true' }), ids(D, E));
    assert.deepEqual(idsOf({ marker: A.id, page_reverse: 'True' }), []);
    assert.deepEqual(list({ page_reverse: 'True', limit: '2' }).links, [next(`limit=2&marker=${B.id}`)]);
  });

  it('pages in the requested order, carrying sort and sort_key but not sort_dir or filters into the links', () => {
    assert.deepEqual(list({ marker: C.id, sort: 'name' }), {
      items: [A, D, B, E],
      links: [previous(`limit=1000&sort=name&marker=${A.id}&page_reverse=True`)],
    });
    assert.deepEqual(idsOf({ marker: C.id, sort: 'name:desc' }), []);
    assert.deepEqual(list({ sort: 'id:desc', limit: '2' }).links, [next(`limit=2&sort=id:desc&marker=${A.id}`)]);
    assert.deepEqual(list({ sort_key: 'name', sort_dir: 'desc', limit: '2', sort: 'id' }), {
      items: [C, D],
      links: [next(`limit=2&sort=id&sort_key=name&marker=${D.id}`)],
    });
    assert.deepEqual(list({ sort_key: 'name', sort_dir: 'desc', limit: '2', name: 'lb2', fields: 'id' }).links, [
      next(`limit=2&sort_key=name&marker=${E.id}`),
    ]);
  });

  it('finds the marker among all items, even one the filters drop', () => {
    assert.deepEqual(idsOf({ marker: C.id, name: 'lb1' }), ids(D));
  });

  it('rejects an unknown marker with a 400', () => {
    rejects({ marker: 'nonexist' }, "Supplied pagination marker 'nonexist' is not valid.");
    rejects({ marker: '' }, "Supplied pagination marker '' is not valid.");
  });

  it('honours the maximum limit', () => {
    const result = applyListQuery(STORED, {}, { baseUrl: BASE, maxLimit: 2 });
    assert.deepEqual(result, { items: [A, B], links: [next(`limit=2&marker=${B.id}`)] });
  });

  it('returns everything without a next link for limit=0, negative or infinite', () => {
    for (const limit of ['0', '-1', 'infinite']) {
      assert.deepEqual(list({ limit }, STORED), { items: ALL, links: [] });
    }
    assert.deepEqual(list({ limit: '0', marker: A.id }).links, [previous(`marker=${B.id}&page_reverse=True`)]);
  });
});

describe('applyListQuery fields and errors', () => {
  it('selects repeated fields, after paging', () => {
    assert.deepEqual(
      list({ fields: 'id' }).items,
      ALL.map(({ id }) => ({ id })),
    );
    assert.deepEqual(list({ fields: ['id', 'name'], limit: '1' }), {
      items: [{ id: A.id, name: 'lb1' }],
      links: [next(`limit=1&marker=${A.id}`)],
    });
    assert.deepEqual(list({ fields: 'id,name' }).items, [{}, {}, {}, {}, {}]);
  });

  it("raises errors in Octavia's order: limit, sort direction, filters, sort key, marker", () => {
    rejects({ limit: 'x', sort: 'a:x' }, "Supplied pagination limit 'x' is not valid.");
    rejects({ sort: 'a:x', foo: '1' }, "Supplied sort direction 'x' is not valid.");
    rejects({ foo: '1', sort: 'bogus' }, 'One or more arguments are either duplicate or invalid');
    rejects({ sort: 'bogus', marker: 'zz' }, "Supplied sort key 'bogus' is not valid.");
    rejects({ marker: 'zz', foo: '1' }, 'One or more arguments are either duplicate or invalid');
  });
});
