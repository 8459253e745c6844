import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerSet } from '../../dns/answer-set.ts';
import { type NameRecords, PublishedRecords } from '../../dns/published-records.ts';
import { HeldNames } from './held-names.ts';
import type { LoadBalancerNames } from './load-balancer-names.ts';

/** Records that say whose they are: one TXT record with the load balancer's id. */
const of = (loadbalancerId: string): NameRecords => ({
  TXT: answerSet([{ type: 'TXT', name: '', ttl: 60, class: 'IN', data: loadbalancerId }]),
});

/** Held names over published records, with each load balancer's wanted names kept as the driver keeps its specs. */
function holding() {
  const records = new PublishedRecords();
  const wants = new Map<string, { main: string; subs: string[] }>();
  const namesOf = (id: string): LoadBalancerNames => {
    const { main, subs } = wants.get(id)!;
    return { main, mainRecords: of(id), subNames: new Map(subs.map((name) => [name, of(id)])) };
  };
  const republished: string[] = [];
  const held: HeldNames = new HeldNames(records, (id) => {
    republished.push(id);
    held.set(id, namesOf(id));
  });
  return {
    held,
    republished,
    set: (id: string, main: string, subs: string[] = []) => {
      wants.set(id, { main, subs });
      held.set(id, namesOf(id));
    },
    remove: (id: string) => {
      wants.delete(id);
      held.remove(id);
    },
    /** Whose records `name` answers: the id, or undefined for NXDOMAIN (an empty non-terminal is ''). */
    whose: (name: string) => {
      const set = records.lookup(name, 'TXT');
      return set === undefined ? undefined : String((set.records[0] as { data?: string } | undefined)?.data ?? '');
    },
  };
}

test('a load balancer publishes its main name and sub-names, and withdraws exactly those it no longer has', () => {
  const { set, remove, whose } = holding();
  set('a', 'a.zone', ['_http._tcp.a.zone', 'web1.a.zone']);
  assert.deepEqual(['a.zone', '_http._tcp.a.zone', 'web1.a.zone'].map(whose), ['a', 'a', 'a']);
  set('a', 'a2.zone', ['web1.a2.zone']);
  assert.deepEqual(['a.zone', '_http._tcp.a.zone', 'web1.a.zone', 'a2.zone', 'web1.a2.zone'].map(whose), [
    undefined,
    undefined,
    undefined,
    'a',
    'a',
  ]);
  remove('a');
  assert.deepEqual(['a2.zone', 'web1.a2.zone'].map(whose), [undefined, undefined]);
});

test("a sub-name held as another's main name is not published; it is, once the main name goes", () => {
  const { set, remove, whose, held, republished } = holding();
  set('b', 'web1.a.zone');
  set('a', 'a.zone', ['web1.a.zone', 'web2.a.zone']);
  assert.deepEqual(['web1.a.zone', 'web2.a.zone'].map(whose), ['b', 'a']);
  assert.equal(held.mainHolder('web1.a.zone'), 'b');
  assert.equal(held.mainHolder('web2.a.zone'), undefined, 'a sub-name is no main name');
  remove('b');
  assert.deepEqual(republished, ['a']);
  assert.equal(whose('web1.a.zone'), 'a');
});

test("a main name applied takes another's sub-name over, which never withdraws it; it returns when the main goes", () => {
  const { set, remove, whose, held } = holding();
  set('a', 'a.zone', ['web1.a.zone', 'web2.a.zone']);
  set('b', 'web1.a.zone');
  assert.equal(whose('web1.a.zone'), 'b');
  assert.equal(held.mainHolder('web1.a.zone'), 'b');
  set('a', 'a.zone', ['web2.a.zone']);
  remove('a');
  assert.equal(whose('web1.a.zone'), 'b', "a's re-apply and removal leave b's name");
  set('a', 'a.zone', ['web1.a.zone']);
  remove('b');
  assert.equal(whose('web1.a.zone'), 'a');
});

test('two load balancers wanting one sub-name: the first holds it, the other gets it when the first lets go', () => {
  const { set, whose, republished } = holding();
  set('a', 'a.zone', ['_x._tcp.shared.zone']);
  set('c', 'c.zone', ['_x._tcp.shared.zone']);
  assert.equal(whose('_x._tcp.shared.zone'), 'a');
  set('a', 'a.zone');
  assert.deepEqual([whose('_x._tcp.shared.zone'), republished], ['c', ['c']]);
});
