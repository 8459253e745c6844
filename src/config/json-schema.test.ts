import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { configJsonSchema, configJsonSchemaText } from './json-schema.ts';

const publishedPath = fileURLToPath(new URL('../../docs/config.schema.json', import.meta.url));

test('docs/config.schema.json is the schema the code validates with', () => {
  const generated = configJsonSchemaText();
  // Regenerate with: WEIR_UPDATE_SCHEMA=1 node --import tsx --test src/config/json-schema.test.ts
  if (process.env.WEIR_UPDATE_SCHEMA === '1') writeFileSync(publishedPath, generated);
  assert.equal(
    readFileSync(publishedPath, 'utf8'),
    generated,
    'docs/config.schema.json is out of date: rerun this test with WEIR_UPDATE_SCHEMA=1 and commit the file',
  );
});

test('every key of the schema is documented', () => {
  const undocumented: string[] = [];
  const visit = (node: Record<string, unknown>, path: string): void => {
    if (typeof node.description !== 'string' || node.description.length === 0) undocumented.push(path || '(root)');
    for (const [key, child] of Object.entries((node.properties as Record<string, never>) ?? {})) {
      visit(child, path ? `${path}.${key}` : key);
    }
    if (node.items) visit(node.items as Record<string, unknown>, `${path}[]`);
  };
  visit(configJsonSchema(), '');
  assert.deepEqual(undocumented, []);
});

test('keys with defaults are optional in the published schema, other required keys stay required', () => {
  const schema = configJsonSchema() as {
    required?: string[];
    properties: Record<string, { required?: string[]; items?: { required?: string[] } }>;
  };
  assert.equal(schema.required, undefined);
  assert.equal(schema.properties.server?.required, undefined);
  assert.deepEqual(schema.properties.subnets?.items?.required, ['name', 'cidr']);
});
