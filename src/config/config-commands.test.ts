import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configCheckCommand, configSchemaCommand } from './config-commands.ts';

function capture() {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

test('`weir config schema` prints the JSON Schema', () => {
  const out = capture();
  assert.equal(configSchemaCommand(out), 0);
  assert.equal(JSON.parse(out.text()).title, 'weir configuration');
});

test('`weir config check` accepts a good file and lists the problems of a bad one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-check-'));
  const good = join(dir, 'good.yaml');
  const bad = join(dir, 'bad.yaml');
  writeFileSync(good, 'subnets:\n  - name: public\n    cidr: 192.0.2.0/24\n');
  writeFileSync(bad, 'server:\n  listen: 1\n  extra: true\n');

  const out = capture();
  const err = capture();
  assert.equal(configCheckCommand(good, out, err), 0);
  assert.equal(out.text(), `${good}: valid (subnets: public 192.0.2.0/24)\n`);
  assert.equal(err.text(), '');

  assert.equal(configCheckCommand(bad, out, err), 1);
  assert.equal(
    err.text(),
    `${bad}:2:11: server.listen: expected a string, got the number 1\n` +
      `${bad}:3:3: server.extra: unknown key "extra"; expected one of: listen, data_dir, auth, default_project_id, tls, allow_plaintext, default_provider, max_body_bytes, metrics\n`,
  );
});
