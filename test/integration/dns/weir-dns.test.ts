/** weir serve starts its DNS server only when dns.listen names addresses, logs where, and closes it on shutdown. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/load-config.ts';
import { noopDriver } from '../../../src/dataplanes/noop/noop-driver.ts';
import { StartupError } from '../../../src/server/startup-error.ts';
import { WeirServer } from '../../../src/server/weir-server.ts';
import { digAt, skipWithoutDig } from '../../support/dig.ts';
import { inTempDir } from '../../support/temp-dir.ts';

const ZONE = `  zones:
    - name: lb.example.org
      nameservers: [ns1.lb.example.org]
      hostmaster: hostmaster.example.org
      glue:
        ns1.lb.example.org: [192.0.2.53]
`;

/** Runs `body` against a weir started with `yaml` over the data dir `dir`, and everything it logged; stops it after. */
async function withWeirIn(
  dir: string,
  yaml: string,
  body: (server: WeirServer, logged: string[]) => Promise<void>,
): Promise<void> {
  const logged: string[] = [];
  const config = parseConfig(yaml, 'weir.yaml', { listen: '127.0.0.1:0', dataDir: dir });
  const server = await WeirServer.start(
    config,
    { info: (line) => logged.push(line), error: () => {} },
    { drivers: [noopDriver] },
  );
  try {
    await body(server, logged);
  } finally {
    await server.close();
  }
}

/** The same in a data dir of its own. */
const withWeir = (yaml: string, body: (server: WeirServer, logged: string[]) => Promise<void>) =>
  inTempDir('weir-dns-', (dir) => withWeirIn(dir, yaml, body));

test('without dns.listen no DNS server starts', async () => {
  await withWeir(`dns:\n${ZONE}`, async (server, logged) => {
    assert.equal(server.dns, undefined);
    assert.deepEqual(
      logged.filter((line) => line.includes('DNS')),
      [],
    );
  });
});

test('with dns.listen weir answers for its zones, says where, and stops answering on shutdown', {
  skip: skipWithoutDig,
}, async () => {
  let port = '';
  await withWeir(`dns:\n  listen: [127.0.0.1:0]\n${ZONE}`, async (server, logged) => {
    const address = server.dns!.addresses[0]!;
    port = address.split(':')[1]!;
    assert.ok(
      logged.includes(`weir: DNS on ${address} (UDP and TCP), authoritative for lb.example.org`),
      logged.join('\n'),
    );
    const soa = await digAt(port, 'lb.example.org', 'SOA');
    assert.deepEqual([soa.status, soa.flags], ['NOERROR', ['qr', 'aa']]);
    assert.match(
      soa.answers[0]!,
      /^lb\.example\.org\. 3600 IN SOA ns1\.lb\.example\.org\. hostmaster\.example\.org\. \d+ 3600 600 1209600 300$/,
    );
    assert.deepEqual((await digAt(port, '+tcp', 'ns1.lb.example.org', 'A')).answers, [
      'ns1.lb.example.org. 3600 IN A 192.0.2.53',
    ]);
    assert.equal((await digAt(port, 'www.lb.example.org', 'A')).status, 'NXDOMAIN');
  });
  // dig exits non-zero and says why on stdout.
  await assert.rejects(digAt(port, '+tcp', 'lb.example.org', 'SOA'), (error: { stdout?: string }) =>
    /connection refused/i.test(error.stdout ?? ''),
  );
});

test('an address the DNS server cannot take stops the start, naming dns.listen', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = taken.address() as { port: number };
  try {
    await assert.rejects(
      withWeir(`dns:\n  listen: [127.0.0.1:${port}]\n${ZONE}`, async () => {}),
      (error: unknown) => error instanceof StartupError && /^dns\.listen: .*EADDRINUSE/.test(error.message),
    );
  } finally {
    taken.close();
  }
});

test('the SOA serial moves with a change made through the API, holds while nothing changes, and survives a restart', {
  skip: skipWithoutDig,
}, async () => {
  const yaml = `dns:\n  listen: [127.0.0.1:0]\n${ZONE}`;
  /** The serial of the SOA the server answers at the apex. */
  const serialOf = async (server: WeirServer) => {
    const soa = await digAt(server.dns!.addresses[0]!.split(':')[1]!, 'lb.example.org', 'SOA');
    return Number(soa.answers[0]!.split(' ')[6]);
  };
  await inTempDir('weir-dns-', async (dir) => {
    let changed = -1;
    await withWeirIn(dir, yaml, async (server) => {
      const before = await serialOf(server);
      assert.equal(await serialOf(server), before);
      const created = await fetch(`${server.address}/v2/lbaas/flavorprofiles`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ flavorprofile: { name: 'fp', provider_name: 'noop', flavor_data: '{}' } }),
      });
      assert.equal(created.status, 201, await created.text());
      changed = await serialOf(server);
      assert.equal(changed, before + 1);
      assert.equal(await serialOf(server), changed);
    });
    await withWeirIn(dir, yaml, async (server) => assert.equal(await serialOf(server), changed));
  });
});
