import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConfig } from '../../../src/config/load-config.ts';
import { StartupError } from '../../../src/server/startup-error.ts';
import { WeirServer } from '../../../src/server/weir-server.ts';
import { selfSignedCertificate } from '../../support/self-signed.ts';

const quiet = { info: () => {}, error: () => {} };

/** GET over HTTPS, trusting only `ca`. */
function getTrusting(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the API over TLS', () => {
  let dir: string;
  let cert: string;
  let key: string;
  const start = (tls: string) =>
    WeirServer.start(
      parseConfig(`server: {tls: ${tls}}`, 'weir.yaml', { listen: '127.0.0.1:0', dataDir: join(dir, 'data') }),
      quiet,
    );

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-tls-'));
    ({ cert, key } = selfSignedCertificate(dir, 'api'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('with server.tls the API serves HTTPS, verified against its certificate', async () => {
    const server = await start(`{cert_file: ${cert}, key_file: ${key}}`);
    try {
      assert.match(server.address, /^https:\/\/127\.0\.0\.1:\d+$/);
      const reply = await getTrusting(`${server.address}/v2/lbaas/loadbalancers`, readFileSync(cert));
      assert.equal(reply.status, 200, reply.body);
      assert.deepEqual(JSON.parse(reply.body).loadbalancers, []);
      await assert.rejects(fetch(server.address.replace('https:', 'http:')));
    } finally {
      await server.close();
    }
  });

  test('an unreadable certificate or key stops the start, naming the file', async () => {
    const missing = join(dir, 'missing.pem');
    await assert.rejects(start(`{cert_file: ${missing}, key_file: ${key}}`), (error: unknown) => {
      assert.ok(error instanceof StartupError);
      assert.equal(error.message, `cannot read server.tls.cert_file ${missing}: it does not exist`);
      return true;
    });
    await assert.rejects(
      start(`{cert_file: ${cert}, key_file: ${dir}}`),
      /cannot read server\.tls\.key_file .*weir-tls-/,
    );
    await assert.rejects(
      start(`{cert_file: ${cert}, key_file: ${cert}}`),
      new RegExp(`server.tls: ${cert} and ${cert} are not a usable certificate and key`),
    );
  });
});
