/**
 * `--wait`: until the load balancer is ACTIVE (a progress line on stderr only when stderr is a terminal), failing
 * with the objects in ERROR when the provider could not apply the change, and at its timeout with the status it was
 * left in. The ERROR is real: the proxy provider cannot bind a listener on a port another socket holds.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { Harness } from '../api/harness.ts';
import { WeirCli } from './support/in-process-cli.ts';

let h: Harness;

before(async () => {
  h = await Harness.start();
});
after(() => h.close());

const ERASE = '\r\u001b[K';
/** The escape character spelled out, for patterns (biome refuses control characters in regular expressions). */
const visible = (text: string) => text.replaceAll('\u001b', 'ESC');

test('on a terminal a progress line is drawn while waiting and erased before the result; elsewhere nothing', async () => {
  const terminal = new WeirCli({ OS_ENDPOINT: h.base }, true);
  const run = await terminal.run('loadbalancer', 'create', '--name', 'tty', '--vip-subnet-id', 'local', '--wait');
  assert.equal(run.code, 0, run.stderr);
  assert.match(visible(run.stderr), /^\r[|/\\-] waiting for load balancer [0-9a-f-]{36}: [A-Z_]+ \(\d+ s\)ESC\[K/);
  assert.ok(run.stderr.endsWith(ERASE), JSON.stringify(run.stderr));
  assert.match(run.stdout, /\| provisioning_status +\| ACTIVE +\|/);

  const piped = await new WeirCli({ OS_ENDPOINT: h.base }).run(
    'loadbalancer',
    'set',
    'tty',
    '--name',
    'tty2',
    '--wait',
  );
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stderr, '');
});

test('a change the provider fails: exit 1 naming the load balancer and the listener in ERROR', async () => {
  const cli = new WeirCli({ OS_ENDPOINT: h.base });
  const lb = await cli.json(
    'loadbalancer',
    'create',
    '--name',
    'busy',
    '--vip-subnet-id',
    'local',
    '--provider',
    'proxy',
    '--wait',
  );
  const blocker = await listen(createServer(), lb.vip_address);
  try {
    const port = String((blocker.address() as { port: number }).port);
    const run = await cli.run(
      'listener',
      'create',
      '--name',
      'taken',
      '--protocol',
      'TCP',
      '--protocol-port',
      port,
      '--wait',
      'busy',
    );
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      new RegExp(
        `^load balancer busy \\(${lb.id}\\) went to provisioning status ERROR; ` +
          'in ERROR: listener taken \\([0-9a-f-]{36}\\): provider proxy: .*EADDRINUSE.*\\n$',
      ),
    );
    assert.equal((await h.get(`loadbalancers/${lb.id}`)).body.loadbalancer.provisioning_status, 'ERROR');
    assert.ok(
      h.errors.some((line) => line.includes('EADDRINUSE')),
      h.errors.join('\n'),
    );
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
  // A load balancer in ERROR can still be deleted, and --wait sees it go.
  assert.equal((await cli.run('loadbalancer', 'delete', 'busy', '--cascade', '--wait')).code, 0);
  assert.equal((await h.get(`loadbalancers/${lb.id}`)).status, 404);
});

test('a load balancer that stays PENDING: exit 1 at --wait-timeout, with the status it is in', async () => {
  const stuck = await listen(pendingForever(), '127.0.0.1');
  try {
    const endpoint = `http://127.0.0.1:${(stuck.address() as { port: number }).port}`;
    const started = Date.now();
    const run = await new WeirCli({ OS_ENDPOINT: endpoint }, true).run(
      'loadbalancer',
      'set',
      'stuck',
      '--name',
      'stuck',
      '--wait',
      '--wait-timeout',
      '1',
    );
    assert.ok(Date.now() - started >= 1000, 'it waited the timeout');
    assert.equal(run.code, 1);
    const message = `timed out after 1 s waiting for load balancer stuck (${STUCK.id}) to be ACTIVE: it is PENDING_UPDATE\n`;
    assert.ok(run.stderr.endsWith(`${ERASE}${message}`), JSON.stringify(run.stderr));
  } finally {
    await new Promise((resolve) => stuck.close(resolve));
  }
});

function listen<T extends Server | HttpServer>(server: T, host: string): Promise<T> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server));
  });
}

const STUCK = { id: '0d3f6c1e-5a55-4d7e-9a51-6a0e4f0b7c11', name: 'stuck', provisioning_status: 'PENDING_UPDATE' };

/** An API whose one load balancer never leaves PENDING_UPDATE: weir itself settles too fast to time out. */
function pendingForever(): HttpServer {
  return createHttpServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.method === 'GET' && request.url?.startsWith('/v2/lbaas/loadbalancers?')) {
      response.end(JSON.stringify({ loadbalancers: [STUCK], loadbalancers_links: [] }));
    } else {
      request.resume();
      response.end(JSON.stringify({ loadbalancer: STUCK }));
    }
  });
}
