/**
 * The config schema as published JSON Schema (docs/config.schema.json, `weir config schema`), for editors and
 * other tools. It is the typebox schema itself, with one difference: keys that have a default are not required,
 * because the file may leave them out; only the validated result is sure to have them.
 */
import { configSchema } from './schema.ts';

type JsonObject = { [key: string]: unknown };

export function configJsonSchema(): JsonObject {
  const schema = JSON.parse(JSON.stringify(configSchema)) as JsonObject;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...withDefaultsOptional(schema) };
}

/** The published file's exact text. */
export const configJsonSchemaText = (): string => `${JSON.stringify(configJsonSchema(), null, 2)}\n`;

function withDefaultsOptional(node: JsonObject): JsonObject {
  for (const value of Object.values(node)) {
    if (typeof value === 'object' && value !== null) withDefaultsOptional(value as JsonObject);
  }
  const properties = node.properties as Record<string, JsonObject> | undefined;
  if (properties && Array.isArray(node.required)) {
    const required = node.required.filter((key: string) => properties[key]?.default === undefined);
    if (required.length > 0) node.required = required;
    else delete node.required;
  }
  return node;
}
