import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LeasedSlots } from './leased-slots.ts';
import { SlotLedger } from './slot-ledger.ts';

/** Workers wired to one ledger in this process, as the control process and its workers are over IPC. */
function cluster(limit: number | null, workers: number) {
  const leases: LeasedSlots[] = [];
  const ledger: SlotLedger = new SlotLedger(limit, (except) => {
    const asked = leases.filter((_, i) => i !== except);
    queueMicrotask(() => {
      for (const lease of asked) lease.returnSpare(true);
    });
    return asked.length;
  });
  /** A lease of worker `i` on the ledger, as a listener bound (again) there gets one. */
  const lease = (i: number) =>
    new LeasedSlots('k', limit, workers, {
      acquire: (_key, want) => ledger.acquire(i, want),
      release: (_key, slots, reclaimed) => queueMicrotask(() => ledger.release(i, slots, reclaimed)),
    });
  for (let i = 0; i < workers; i++) leases.push(lease(i));
  return { ledger, leases, lease };
}

const admit = async (lease: LeasedSlots) => lease.tryTake() || (await lease.take());

test('the limit holds over all workers, wherever the connections land', async () => {
  const { leases } = cluster(3, 2);
  const verdicts = await Promise.all([0, 1, 0, 1, 0].map((w) => admit(leases[w]!)));
  assert.equal(verdicts.filter(Boolean).length, 3);
});

test('a slot given back on one worker is found by another through a reclaim', async () => {
  const { leases } = cluster(2, 2);
  assert.equal(await admit(leases[0]!), true);
  assert.equal(await admit(leases[0]!), true);
  assert.equal(await admit(leases[1]!), false);
  leases[0]!.give();
  assert.equal(await admit(leases[1]!), true);
  assert.equal(await admit(leases[1]!), false);
  assert.equal(await admit(leases[0]!), false);
});

test('a worker keeps at most one chunk it does not use', async () => {
  const { leases, ledger } = cluster(80, 2);
  for (let i = 0; i < 40; i++) assert.equal(await admit(leases[0]!), true);
  for (let i = 0; i < 40; i++) leases[0]!.give();
  await new Promise((resolve) => setImmediate(resolve));
  // 80 / (2 workers * 4) = 10 per chunk: the first worker kept 10 and handed back 30; the other worker takes
  // the 70 free, then the 10 kept through a reclaim, and no more.
  let taken = 0;
  for (let i = 0; i < 85; i++) if (await admit(leases[1]!)) taken++;
  assert.equal(taken, 80);
  ledger.close();
});

test('a worker that dies takes its slots with it', async () => {
  const { leases, ledger } = cluster(1, 2);
  assert.equal(await admit(leases[0]!), true);
  assert.equal(await admit(leases[1]!), false);
  ledger.dropWorker(0);
  assert.equal(await admit(leases[1]!), true);
});

test('without a limit nothing is asked of the ledger', async () => {
  const asked: number[] = [];
  const lease = new LeasedSlots('k', null, 2, {
    acquire: async (_key, want) => {
      asked.push(want);
      return want;
    },
    release: () => {},
  });
  for (let i = 0; i < 100; i++) assert.equal(lease.tryTake(), true);
  assert.deepEqual(asked, []);
});

test('a retired lease hands back every slot its connections free, so the limit is whole when the listener returns', async () => {
  const { leases, lease } = cluster(16, 1);
  const retired = leases[0]!;
  for (let i = 0; i < 16; i++) assert.equal(await admit(retired), true);
  retired.retire();
  for (let i = 0; i < 16; i++) retired.give();
  await new Promise((resolve) => setImmediate(resolve));
  const again = lease(0);
  let admitted = 0;
  for (let i = 0; i < 20; i++) if (await admit(again)) admitted++;
  assert.equal(admitted, 16);
});
