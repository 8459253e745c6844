// End to end: weir's dashboard in Debian's chromium (playwright-core) against a real `weir serve` carrying traffic on
// loopback: a proxy load balancer, an HTTP listener, two members that are HTTP servers of this test and an HTTP
// monitor, with a client sending requests. The members appear, a killed member turns red within its monitor's
// detection time, the counters move. Then, in keystone mode, the page asks for a token and shows only the token's
// project. Screenshots go to test-artifacts/dashboard/.
import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PROJECT, Harness, tokenOf } from '../integration/api/harness.ts';
import { artifactsDir, launchChromium, skipWithoutChromium as skip } from './support/chromium.ts';
import { freePort, makeDataDir, removeDataDir, sleep, WeirProcess, writeConfig } from './support/weir-process.ts';

/** The monitor: a probe every second, down after two failures, so a dead member is found within about 3 s. */
const MONITOR = { type: 'HTTP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 2 };
/** How long a killed member may take to turn red on the page: detection time, a poll, and a wide margin. */
const RED_WITHIN_MS = 20_000;

let browser: Browser | undefined;
let artifacts: string;

before(async () => {
  if (skip) return;
  browser = await launchChromium();
  artifacts = artifactsDir('dashboard');
  console.log(`dashboard screenshots: ${artifacts}`);
});

after(async () => {
  await browser?.close();
});

/** An HTTP member answering with its name; `kill` closes it and every connection it has. */
async function httpMember(name: string): Promise<{ port: number; kill: () => Promise<void> }> {
  const server: Server = createServer((_request, response) => response.end(`${name}\n`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kill = async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  };
  return { port: (server.address() as { port: number }).port, kill };
}

/** One request on a connection of its own, bounded to 2 s; resolves with the status, or 0 when it failed. */
function requestOnce(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 2000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

/** Requests every 50 ms until stopped, at most 3,000 of them or 3 minutes. */
function clientLoop(url: string) {
  const counts = { sent: 0, ok: 0 };
  let stopped = false;
  const done = (async () => {
    const deadline = Date.now() + 180_000;
    while (!stopped && counts.sent < 3000 && Date.now() < deadline) {
      counts.sent++;
      if ((await requestOnce(url)) === 200) counts.ok++;
      await sleep(50);
    }
  })();
  return {
    counts,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/** A number a page element carries in its data-value, as the page last drew it. */
async function counterValue(page: Page, lbId: string, counter: string): Promise<number> {
  const selector = `section.lb[data-lb-id="${lbId}"] > dl.counters [data-counter="${counter}"]`;
  return Number(await page.getAttribute(selector, 'data-value', { timeout: 10_000 }));
}

test('members appear, a killed member turns red within its detection time, counters move', {
  skip,
  timeout: 240_000,
}, async (t) => {
  const dataDir = makeDataDir();
  const members = [await httpMember('a'), await httpMember('b')];
  let weir: WeirProcess | undefined;
  let client: ReturnType<typeof clientLoop> | undefined;
  const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    weir = await WeirProcess.start(dataDir, { configFile: writeConfig(dataDir, 'proxy:\n  workers: 1\n') });
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${weir!.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
      return text === '' ? {} : JSON.parse(text);
    };
    const waitActive = async (lbId: string) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { loadbalancer } = await api('GET', `/v2/lbaas/loadbalancers/${lbId}`);
        if (loadbalancer.provisioning_status === 'ACTIVE') return loadbalancer;
        assert.notEqual(loadbalancer.provisioning_status, 'ERROR', 'load balancer went to ERROR');
        assert.ok(Date.now() < deadline, `load balancer still ${loadbalancer.provisioning_status}`);
        await sleep(100);
      }
    };
    const created = async (path: string, wrapper: string, body: object, lbId?: string) => {
      const object = (await api('POST', `/v2/lbaas/${path}`, { [wrapper]: body }))[wrapper];
      await waitActive(lbId ?? object.id);
      return object;
    };
    const port = await freePort();
    const subnet = (await api('GET', '/v2.0/subnets?name=local')).subnets[0].id;
    const lb = await created('loadbalancers', 'loadbalancer', {
      name: 'web',
      vip_subnet_id: subnet,
      provider: 'proxy',
    });
    const listener = await created(
      'listeners',
      'listener',
      { name: 'http', loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: port },
      lb.id,
    );
    const pool = await created(
      'pools',
      'pool',
      { name: 'app', listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
      lb.id,
    );
    const memberIds: string[] = [];
    for (const [index, member] of members.entries()) {
      const body = { name: `member-${'ab'[index]}`, address: '127.0.0.1', protocol_port: member.port };
      memberIds.push((await created(`pools/${pool.id}/members`, 'member', body, lb.id)).id);
    }
    await created('healthmonitors', 'healthmonitor', { pool_id: pool.id, ...MONITOR }, lb.id);
    client = clientLoop(`http://${lb.vip_address}:${port}/`);

    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${weir.baseUrl}/dashboard#refresh=1`, { timeout: 15_000 });
    const row = (id: string) => `tr.member[data-member-id="${id}"]`;
    for (const id of memberIds) {
      await page.waitForSelector(`${row(id)}[data-operating-status="ONLINE"]`, { timeout: 30_000 });
    }
    assert.equal(await page.locator('tr.member').count(), 2);
    assert.match(
      (await page.textContent(row(memberIds[0]!)))!,
      /member-a.*127\.0\.0\.1:\d+.*ONLINE.*UP.*ok: HTTP 200/s,
    );

    const before = await counterValue(page, lb.id, 'total_connections');
    const bytesBefore = await counterValue(page, lb.id, 'bytes_out');
    const requestsBefore = await counterValue(page, lb.id, 'total_requests');
    const deadline = Date.now() + 20_000;
    while ((await counterValue(page, lb.id, 'total_connections')) < before + 5) {
      assert.ok(Date.now() < deadline, `connections stayed at ${before} while the client sent ${client.counts.sent}`);
      await sleep(250);
    }
    assert.ok((await counterValue(page, lb.id, 'bytes_out')) > bytesBefore, 'bytes out moved');
    assert.ok((await counterValue(page, lb.id, 'total_requests')) > requestsBefore, 'requests moved');
    const rate = await page.textContent(
      `section.lb[data-lb-id="${lb.id}"] > dl.counters [data-counter="total_connections"] dd`,
    );
    assert.match(rate!, /^\d+\.\d\/s/, 'a rate once two polls are in');
    await page.screenshot({ path: join(artifacts, 'members-up.png'), fullPage: true });

    await members[1]!.kill();
    const killedAt = Date.now();
    await page.waitForSelector(`${row(memberIds[1]!)}[data-operating-status="ERROR"]`, { timeout: RED_WITHIN_MS });
    const redAfterMs = Date.now() - killedAt;
    t.diagnostic(`member-b red on the page ${redAfterMs} ms after it was killed`);
    console.log(`dashboard: member-b red on the page ${redAfterMs} ms after it was killed`);
    // Runs in the page, where the DOM's getComputedStyle exists (this project's types have no DOM).
    type Styled = { getComputedStyle(element: unknown): { backgroundColor: string } };
    const background = await page.$eval(
      row(memberIds[1]!),
      (element) => (globalThis as unknown as Styled).getComputedStyle(element).backgroundColor,
    );
    assert.equal(background, 'rgb(255, 235, 233)', 'the row is red');
    assert.match((await page.textContent(row(memberIds[1]!)))!, /DOWN.*failed: .*ECONNREFUSED/s);
    assert.equal(await page.getAttribute(row(memberIds[0]!), 'data-operating-status'), 'ONLINE');
    await page.waitForSelector('section.transitions tr.to-DOWN', { timeout: 10_000 });
    assert.match((await page.textContent('section.transitions tbody tr'))!, /member-b.*UP → DOWN/s);
    await page.screenshot({ path: join(artifacts, 'member-down.png'), fullPage: true });
    assert.deepEqual(problems, [], 'the page threw no errors');
    assert.ok(client.counts.ok > 0, 'the client got answers');
  } finally {
    await client?.stop();
    await context.close();
    await weir?.kill('SIGKILL');
    for (const member of members) await member.kill().catch(() => {});
    removeDataDir(dataDir);
  }
});

test('with Keystone the page asks for a token, or takes it from the address, and shows only that project', {
  skip,
  timeout: 120_000,
}, async () => {
  const h = await Harness.start({ auth: 'keystone' });
  const projectA = 'a'.repeat(32);
  const projectB = 'b'.repeat(32);
  const context = await browser!.newContext({ viewport: { width: 1280, height: 700 } });
  try {
    const lbA = await h.createLb({ name: 'lb-of-a', project_id: projectA });
    const lbB = await h.createLb({ name: 'lb-of-b', project_id: projectB });
    await h.createLb({ name: 'lb-of-admin', project_id: ADMIN_PROJECT });
    const token = (project: string) => tokenOf(h, project, ['load-balancer_member'])['x-auth-token']!;

    const asked = await context.newPage();
    await asked.goto(`${h.base}/dashboard`, { timeout: 15_000 });
    await asked.waitForSelector('#login:not([hidden])', { timeout: 10_000 });
    assert.equal(await asked.locator('section.lb').count(), 0);
    await asked.screenshot({ path: join(artifacts, 'keystone-token-asked.png') });
    await asked.fill('#token', token(projectB));
    await asked.click('#login button[type=submit]');
    await asked.waitForSelector(`section.lb[data-lb-id="${lbB.id}"]`, { timeout: 10_000 });
    assert.equal(await asked.locator('section.lb').count(), 1);

    const fromAddress = await context.newPage();
    await fromAddress.goto(`${h.base}/dashboard#token=${token(projectA)}&refresh=1`, { timeout: 15_000 });
    await fromAddress.waitForSelector(`section.lb[data-lb-id="${lbA.id}"]`, { timeout: 10_000 });
    assert.equal(await fromAddress.locator('section.lb').count(), 1);
    const text = (await fromAddress.textContent('body'))!;
    assert.ok(text.includes('lb-of-a') && !text.includes('lb-of-b') && !text.includes('lb-of-admin'));
    assert.ok(!fromAddress.url().includes('token='), `the token left the address: ${fromAddress.url()}`);
    assert.ok(fromAddress.url().endsWith('#refresh=1'));
    await fromAddress.screenshot({ path: join(artifacts, 'keystone-project-a.png') });

    const refused = await context.newPage();
    await refused.goto(`${h.base}/dashboard#token=not-a-token`, { timeout: 15_000 });
    await refused.waitForSelector('#login:not([hidden])', { timeout: 10_000 });
    assert.match((await refused.textContent('#state'))!, /refused/);
  } finally {
    await context.close();
    await h.close();
  }
});
