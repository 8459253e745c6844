// End to end, in a network namespace of its own: a `proxy` load balancer on a subnet with an `interface` puts its
// VIP on that interface, its listener binds there, and deleting the load balancer takes the VIP away again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NamespacedWeir } from './support/namespaced-weir.ts';

const NS = `weir-vip-${process.pid}`;
const skip = process.getuid?.() !== 0 ? 'needs root for a network namespace' : false;

const inNs = (...command: string[]) =>
  execFileSync('ip', ['netns', 'exec', NS, ...command], { encoding: 'utf8', timeout: 15_000 });

let weir: NamespacedWeir | undefined;
const api = (method: string, path: string, body?: unknown) => weir!.api(method, path, body);

async function waitActive(lbId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (api('GET', `/v2/lbaas/loadbalancers/${lbId}`).json.loadbalancer?.provisioning_status === 'ACTIVE') return;
    await sleep(100);
  }
  assert.fail(`load balancer ${lbId} not ACTIVE`);
}

const addressesOnLan = () => inNs('ip', '-o', 'address', 'show', 'dev', 'lan0');

describe('a VIP on a subnet interface', { skip }, () => {
  before(async () => {
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    // A veth pair inside the namespace stands in for the node's network interface.
    execFileSync('ip', ['-n', NS, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'lan1']);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lan0', 'up']);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lan1', 'up']);
    weir = await NamespacedWeir.start(
      NS,
      [
        'subnets:',
        '  - name: lan',
        '    cidr: 198.51.100.0/24',
        '    allocation_pools: [{start: 198.51.100.10, end: 198.51.100.20}]',
        '    interface: lan0',
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    await weir?.stop();
    execFileSync('ip', ['netns', 'del', NS]);
  });

  test('the VIP is added to the interface, the listener binds it, and both go with the load balancer', async () => {
    const subnetId = api('GET', '/v2.0/subnets?name=lan').json.subnets[0].id;
    const lb = api('POST', '/v2/lbaas/loadbalancers', { loadbalancer: { vip_subnet_id: subnetId, provider: 'proxy' } });
    assert.equal(lb.status, 201);
    const { id, vip_address: vip } = lb.json.loadbalancer;
    assert.equal(vip, '198.51.100.10');
    await waitActive(id);
    assert.match(addressesOnLan(), /inet 198\.51\.100\.10\/32/);

    const listener = api('POST', '/v2/lbaas/listeners', {
      listener: { loadbalancer_id: id, protocol: 'TCP', protocol_port: 7000 },
    });
    assert.equal(listener.status, 201);
    await waitActive(id);
    assert.match(inNs('ss', '-ltnH'), /198\.51\.100\.10:7000/);

    assert.equal(api('DELETE', `/v2/lbaas/loadbalancers/${id}?cascade=true`).status, 204);
    for (let i = 0; i < 50 && /198\.51\.100\.10/.test(addressesOnLan()); i++) await sleep(100);
    assert.doesNotMatch(addressesOnLan(), /198\.51\.100\.10/);
    assert.doesNotMatch(inNs('ss', '-ltnH'), /198\.51\.100\.10:7000/);
  });
});
