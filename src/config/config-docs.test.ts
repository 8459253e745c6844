import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from './load-config.ts';
import { configSchema } from './schema.ts';

const guide = readFileSync(fileURLToPath(new URL('../../docs/config.md', import.meta.url)), 'utf8');

test('the example in docs/config.md is a valid config', () => {
  const examples = [...guide.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
  assert.equal(examples.length, 1);
  const config = parseConfig(examples[0]!, 'docs/config.md');
  assert.deepEqual(
    config.subnets.map((subnet) => subnet.networkName),
    ['public', 'public'],
  );
});

test('docs/config.md has a part for every section of the file', () => {
  for (const section of Object.keys(configSchema.properties)) {
    assert.ok(
      guide.includes(`## \`${section}\``) || guide.includes(`- \`${section}`),
      `docs/config.md lacks ${section}`,
    );
  }
});
