/** server.default_provider: the provider of load balancers that name none, as Octavia's default_provider_driver. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/load-config.ts';
import { StartupError } from '../../../src/server/startup-error.ts';
import { WeirServer } from '../../../src/server/weir-server.ts';
import { Harness } from '../api/harness.ts';

test('with nothing configured, load balancers that name no provider get proxy, and noop stays available by name', async () => {
  const h = await Harness.start({ defaultProvider: null });
  try {
    assert.equal(h.defaultProvider, 'proxy');
    const providers = await h.get('providers');
    assert.equal(providers.status, 200, providers.text);
    assert.deepEqual(
      providers.body.providers.map((p: { name: string }) => p.name),
      ['proxy', 'amphora', 'octavia', 'noop', 'noop_driver', 'nat', 'dsr'],
    );
    const lb = await h.createLb();
    assert.equal(lb.provider, 'proxy');
    const listener = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 8401 });
    await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    // The proxy answers for the listener: no member yet, so an immediate 503.
    assert.equal((await fetch(`http://${lb.vip_address}:8401/`)).status, 503);

    for (const provider of ['noop', 'noop_driver']) {
      const other = await h.createLb({ provider });
      assert.equal(other.provider, provider);
    }
  } finally {
    await h.close();
  }
});

test('load balancers that name no provider get the configured one', async () => {
  const h = await Harness.start({ yaml: 'server:\n  default_provider: amphora\n' });
  try {
    const lb = await h.createLb();
    assert.equal(lb.provider, 'amphora');
    const listener = await h.createListener(lb.id, { protocol: 'HTTP', protocol_port: 8400 });
    await h.createPool(lb.id, { listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    // The proxy answers for the listener: no member yet, so an immediate 503.
    assert.equal((await fetch(`http://${lb.vip_address}:8400/`)).status, 503);
  } finally {
    await h.close();
  }
});

test('an unknown default provider stops the start, naming the setting and the known providers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-default-provider-'));
  try {
    const config = parseConfig('server:\n  default_provider: f5\n', 'weir.yaml', {
      listen: '127.0.0.1:0',
      dataDir: dir,
    });
    await assert.rejects(
      WeirServer.start(config, { info: () => {}, error: () => {} }),
      (error: unknown) =>
        error instanceof StartupError &&
        /^server\.default_provider: "f5" is not a provider; known: proxy, amphora, octavia, noop, noop_driver, nat, dsr$/.test(
          error.message,
        ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
