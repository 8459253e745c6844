// End to end, in network namespaces of its own: a `nat` load balancer with a TCP health monitor (delay 1 s, timeout
// 1 s, max_retries 1, max_retries_down left at Octavia's 3). When a member's server is killed, the member turns
// ERROR and leaves the kernel table within the monitor's detection time (with a generous margin), and every new
// connection then reaches the other member; once the server is back, the member turns ONLINE, returns to the table
// and gets connections again. The times it took are printed.
//
//   client (198.51.100.2) --- cl0 [ lb: weir, ip_forward ] eth1 --- br0 [ sw ] --- m1 (10.77.0.11), m2 (10.77.0.12)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ip, kernelSkip } from './support/namespaces.ts';
import { flows, MEMBER_SERVER, routedWeir, TCP_CLIENT, TWO_MEMBERS, tally } from './support/routed-weir.ts';

const PREFIX = `weir-nath-${process.pid}`;
const CLIENT = '198.51.100.2';
const M1 = TWO_MEMBERS[0].address;
const M2 = TWO_MEMBERS[1].address;
const VIP = '192.0.2.10';
/** Detection takes about max_retries_down (3) x delay (1 s); the rest is margin for a loaded machine. */
const DETECTION_BUDGET_MS = 15_000;

const connections = (count: number) => tally(flows(`${PREFIX}-client`, TCP_CLIENT, VIP, 80, count), count, CLIENT);

/**
 * Polls `conditions` every 100 ms until all have held once or `budgetMs` have passed; the milliseconds each took to
 * hold first (undefined: never within the budget).
 */
async function firstHeld(
  conditions: Record<string, () => boolean>,
  budgetMs: number,
): Promise<Record<string, number | undefined>> {
  const started = Date.now();
  const held: Record<string, number | undefined> = {};
  while (Date.now() - started < budgetMs) {
    for (const [name, holds] of Object.entries(conditions)) {
      if (held[name] === undefined && holds()) held[name] = Date.now() - started;
    }
    if (Object.keys(conditions).every((name) => held[name] !== undefined)) break;
    await sleep(100);
  }
  return held;
}

describe('a nat member killed and recovered, under a TCP health monitor', { skip: kernelSkip() }, () => {
  const lab = routedWeir(PREFIX, [CLIENT], TWO_MEMBERS, MEMBER_SERVER);
  let poolId = '';
  let m2Id = '';
  let service = '';

  const status = () => lab.weir.api('GET', `/v2/lbaas/pools/${poolId}/members/${m2Id}`).json.member?.operating_status;
  /** Whether the service's chain in the kernel table names m2 as a target. */
  const m2InTable = () =>
    ip('netns', 'exec', `${PREFIX}-lb`, 'nft', 'list', 'chain', 'inet', 'weir', service).includes(M2);

  test('both members are ONLINE and get connections', async () => {
    const lb = await lab.weir.loadBalancer('vips', { provider: 'nat' });
    assert.equal(lb.vip_address, VIP);
    const made = await lab.weir.listenerWithPool(lb.id, {
      protocol: 'TCP',
      port: 80,
      algorithm: 'ROUND_ROBIN',
      members: [M1, M2].map((address) => ({ address, protocol_port: 8080 })),
      monitor: { type: 'TCP', delay: 1, timeout: 1, max_retries: 1 },
    });
    poolId = made.poolId;
    m2Id = made.memberIds[1]!;
    service = `svc_${made.listenerId.replaceAll('-', '')}_0`;
    for (const id of made.memberIds) await lab.weir.memberStatus(poolId, id, 'ONLINE', DETECTION_BUDGET_MS);
    assert.ok(m2InTable(), 'm2 is in the table');
    const { m1, m2 } = connections(40);
    assert.ok(m1 > 0 && m2 > 0, `both members answer: m1 ${m1}, m2 ${m2}`);
  });

  test('a killed member turns ERROR and leaves the table within the detection time; all connections reach the other', async (t) => {
    assert.ok(service, 'needs the load balancer of the first test');
    await lab.stopServer('m2');
    const left = await firstHeld({ error: () => status() === 'ERROR', out: () => !m2InTable() }, DETECTION_BUDGET_MS);
    t.diagnostic(
      `after the kill: ERROR at ${left.error} ms, out of the table at ${left.out} ms ` +
        `(table after status: ${(left.out ?? Number.NaN) - (left.error ?? Number.NaN)} ms)`,
    );
    assert.ok(left.error !== undefined, `m2 is ${status()}, not ERROR, after ${DETECTION_BUDGET_MS} ms`);
    assert.ok(left.out !== undefined, `m2 is still in the table after ${DETECTION_BUDGET_MS} ms`);
    assert.deepEqual(connections(60), { m1: 60, m2: 0 }, 'every connection answered by m1');
  });

  test('started again, the member turns ONLINE, returns to the table and gets connections', async (t) => {
    assert.ok(service, 'needs the load balancer of the first test');
    await lab.startServer('m2');
    const back = await firstHeld({ online: () => status() === 'ONLINE', in: m2InTable }, DETECTION_BUDGET_MS);
    t.diagnostic(`after the restart: ONLINE at ${back.online} ms, in the table at ${back.in} ms`);
    assert.ok(back.online !== undefined, `m2 is ${status()}, not ONLINE, after ${DETECTION_BUDGET_MS} ms`);
    assert.ok(back.in !== undefined, `m2 is not in the table after ${DETECTION_BUDGET_MS} ms`);
    const { m1, m2 } = connections(40);
    assert.ok(m1 > 0 && m2 > 0, `both members answer again: m1 ${m1}, m2 ${m2}`);
  });
});
