import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  makeDataDir,
  NOOP_DEFAULT_PROVIDER,
  removeDataDir,
  repoRoot,
  WeirProcess,
  writeConfig,
} from './support/weir-process.ts';

/** Runs `weir serve` with the config text; it is expected to exit before listening. */
function serve(dir: string, yaml: string) {
  const config = join(dir, 'weir.yaml');
  writeFileSync(config, yaml);
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', config, '--data-dir', join(dir, 'data')],
    { cwd: repoRoot, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } },
  );
}

const keystone = `keystone: {auth_url: "https://keystone:5000/v3", username: weir, password: s, project_name: service}\n`;

describe('weir serve refuses to start', () => {
  let dir: string;
  before(() => {
    dir = makeDataDir();
  });
  after(() => removeDataDir(dir));

  test('with keystone on a non-loopback address without TLS', () => {
    const run = serve(dir, `server: {auth: keystone, listen: "0.0.0.0:0"}\n${keystone}`);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /weir\.yaml:1:\d+: server\.listen: 0\.0\.0\.0 is not a loopback address/);
    assert.match(run.stderr, /Keystone tokens would cross the network in clear text/);
    assert.doesNotMatch(run.stdout, /weir listening on/);
  });

  test('with a TLS certificate that cannot be read', () => {
    const missing = join(dir, 'no-such-cert.pem');
    const run = serve(dir, `server: {listen: "127.0.0.1:0", tls: {cert_file: ${missing}, key_file: ${missing}}}\n`);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(
      run.stderr.trim(),
      `weir cannot start: cannot read server.tls.cert_file ${missing}: it does not exist`,
    );
  });

  test('on a data directory another weir uses, and starts once that one is killed', async () => {
    const data = join(dir, 'data');
    const first = await WeirProcess.start(data, { configFile: writeConfig(dir, NOOP_DEFAULT_PROVIDER) });
    try {
      const run = serve(dir, `${NOOP_DEFAULT_PROVIDER}  listen: "127.0.0.1:0"\n`);
      assert.equal(run.status, 1, run.stderr);
      assert.equal(
        run.stderr.trim(),
        `weir cannot start: ${data} is in use by another weir (pid ${first.child.pid}); ` +
          'give each weir its own server.data_dir',
      );
    } finally {
      await first.kill('SIGKILL');
    }
    // SIGKILL left the lock file behind: it names a process that is gone, so the next weir takes it over.
    const second = await WeirProcess.start(data, { configFile: writeConfig(dir, NOOP_DEFAULT_PROVIDER) });
    await second.kill('SIGTERM');
  });

  test('with a key manager key that cannot decrypt the secrets stored, or that others may read', async () => {
    const data = join(dir, 'keyed');
    const weir = await WeirProcess.start(data, { configFile: writeConfig(dir, NOOP_DEFAULT_PROVIDER) });
    try {
      const stored = await fetch(`${weir.baseUrl}/v1/secrets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payload: 'kept', payload_content_type: 'text/plain' }),
      });
      assert.equal(stored.status, 201);
    } finally {
      await weir.kill('SIGTERM');
    }
    const keyFile = join(data, 'key-manager.key');
    rmSync(keyFile);
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const yaml = `${NOOP_DEFAULT_PROVIDER}  listen: "127.0.0.1:0"\n`;
    const serveKeyed = () =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', writeConfig(dir, yaml), '--data-dir', data],
        { cwd: repoRoot, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } },
      );
    const wrongKey = serveKeyed();
    assert.equal(wrongKey.status, 1, wrongKey.stderr);
    assert.match(
      wrongKey.stderr,
      new RegExp(`^weir cannot start: key_manager.key_file: the key in ${keyFile} cannot decrypt the secrets stored`),
    );
    assert.match(wrongKey.stderr, /start with the key they were stored with/);
    chmodSync(keyFile, 0o644);
    const readable = serveKeyed();
    assert.equal(readable.status, 1, readable.stderr);
    assert.match(readable.stderr, /key_manager\.key_file: .* readable by others \(mode 644\); chmod 600 it/);
  });
});
