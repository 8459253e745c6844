// End to end, in a network namespace of its own: `weir serve` as root hands the proxy's UDP listeners to the
// kernel (nftables DNAT), so a UDP member sees the client's own address, as Octavia's amphora does with LVS; a
// listener with a connection_limit stays in user space, where flows are counted, and so does one whose pool has session
// persistence, where the relay keeps its table; the status tree says which.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NamespacedWeir } from './support/namespaced-weir.ts';

const NS = `weir-udpk-${process.pid}`;
const MEMBER = '127.0.0.51';
const CLIENT = '127.0.0.77';
const skip =
  process.getuid?.() !== 0
    ? 'needs root for a network namespace'
    : execFileSync('sh', ['-c', 'command -v nft || true'], { encoding: 'utf8' }).trim() === ''
      ? 'needs nft (nftables)'
      : false;

const inNs = (...command: string[]) =>
  execFileSync('ip', ['netns', 'exec', NS, ...command], { encoding: 'utf8', timeout: 15_000 });

let weir: NamespacedWeir | undefined;
const api = (method: string, path: string, body?: unknown) => weir!.api(method, path, body);

async function waitActive(id: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const status = api('GET', `/v2/lbaas/loadbalancers/${id}`).json.loadbalancer?.provisioning_status;
    if (status === 'ACTIVE') return;
    assert.notEqual(status, 'ERROR', `load balancer ${id} in ERROR`);
    await sleep(100);
  }
  assert.fail(`load balancer ${id} not ACTIVE`);
}

/** Sends one datagram from CLIENT and prints the answer (or `none` after 2 s). */
const ASK = `
const s = require('node:dgram').createSocket('udp4');
s.bind(0, '${CLIENT}', () => {
  const timer = setTimeout(() => { console.log('none'); process.exit(0); }, 2000);
  s.on('message', (m) => { clearTimeout(timer); console.log(String(m)); process.exit(0); });
  s.send('hello', Number(process.argv[2]), process.argv[1]);
});
`;
const ask = (host: string, port: number) => inNs(process.execPath, '-e', ASK, host, String(port)).trim();

describe('proxy UDP listeners forwarded by the kernel', { skip }, () => {
  let member: ChildProcess | undefined;

  before(async () => {
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    member = spawn('ip', [
      'netns',
      'exec',
      NS,
      process.execPath,
      '-e',
      `const u = require('node:dgram').createSocket('udp4');
       u.on('message', (m, r) => u.send('member sees ' + r.address, r.port, r.address));
       u.bind(5353, '${MEMBER}');`,
    ]);
    weir = await NamespacedWeir.start(NS, 'proxy:\n  workers: 1\n');
  });

  after(async () => {
    await weir?.stop();
    member?.kill('SIGKILL');
    await sleep(200);
    execFileSync('ip', ['netns', 'pids', NS], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .forEach((pid) => {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {}
      });
    execFileSync('ip', ['netns', 'del', NS]);
  });

  test('the member sees the client, until a connection_limit moves the listener to user space', async () => {
    const subnetId = api('GET', '/v2.0/subnets?name=local').json.subnets[0].id;
    const lb = api('POST', '/v2/lbaas/loadbalancers', { loadbalancer: { vip_subnet_id: subnetId } }).json.loadbalancer;
    assert.equal(lb.provider, 'proxy');
    await waitActive(lb.id);
    const listener = api('POST', '/v2/lbaas/listeners', {
      listener: { loadbalancer_id: lb.id, protocol: 'UDP', protocol_port: 5300 },
    }).json.listener;
    await waitActive(lb.id);
    const pool = api('POST', '/v2/lbaas/pools', {
      pool: { listener_id: listener.id, protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN' },
    }).json.pool;
    await waitActive(lb.id);
    api('POST', `/v2/lbaas/pools/${pool.id}/members`, { member: { address: MEMBER, protocol_port: 5353 } });
    await waitActive(lb.id);

    assert.equal(ask(lb.vip_address, 5300), `member sees ${CLIENT}`);
    assert.match(
      inNs('nft', 'list', 'table', 'inet', 'weir'),
      new RegExp(`${lb.vip_address.replaceAll('.', '\\.')} \\. udp \\. 5300`),
    );
    const status = () => api('GET', `/v2/lbaas/loadbalancers/${lb.id}/status`).json.statuses.loadbalancer.listeners[0];
    assert.match(status().client_address, /^in the IP packet itself/);
    const stats = api('GET', `/v2/lbaas/listeners/${listener.id}/stats`).json.stats;
    // Whole packets: 20 bytes of IP header, 8 of UDP, then the payload.
    assert.deepEqual(stats, {
      bytes_in: 28 + 'hello'.length,
      bytes_out: 28 + `member sees ${CLIENT}`.length,
      active_connections: 1,
      total_connections: 1,
      request_errors: 0,
    });

    // The kernel keeps forwarding while weir is down, and a restarted weir keeps the rule it had.
    await weir!.restart(() => assert.equal(ask(lb.vip_address, 5300), `member sees ${CLIENT}`));
    assert.equal(ask(lb.vip_address, 5300), `member sees ${CLIENT}`);
    assert.match(inNs('nft', 'list', 'table', 'inet', 'weir'), /udp \. 5300/);

    // Session persistence keeps the listener in user space, where the relay keeps its table; without, the kernel again.
    const persistence = (value: unknown) =>
      api('PUT', `/v2/lbaas/pools/${pool.id}`, { pool: { session_persistence: value } });
    persistence({ type: 'SOURCE_IP', persistence_timeout: 60, persistence_granularity: '255.255.255.0' });
    await waitActive(lb.id);
    const sticky = ask(lb.vip_address, 5300);
    assert.match(sticky, /^member sees /);
    assert.notEqual(sticky, `member sees ${CLIENT}`);
    assert.doesNotMatch(inNs('nft', 'list', 'table', 'inet', 'weir'), /5300/);
    assert.equal(status().client_address, "not delivered: members see weir's address (UDP is relayed in user space)");
    persistence(null);
    await waitActive(lb.id);
    assert.equal(ask(lb.vip_address, 5300), `member sees ${CLIENT}`);

    api('PUT', `/v2/lbaas/listeners/${listener.id}`, { listener: { connection_limit: 100 } });
    await waitActive(lb.id);
    const relayed = ask(lb.vip_address, 5300);
    assert.match(relayed, /^member sees /);
    assert.notEqual(relayed, `member sees ${CLIENT}`);
    assert.doesNotMatch(inNs('nft', 'list', 'table', 'inet', 'weir'), /5300/);
    assert.equal(status().client_address, "not delivered: members see weir's address (UDP is relayed in user space)");
  });
});
