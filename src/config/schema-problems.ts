/**
 * typebox's validation errors, reworded for people editing YAML: one problem per key, in plain words
 * ("unknown key", "expected a list, got a string") instead of JSON Schema keywords.
 */
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import type { KeyPath, Problem } from './problem.ts';

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

export function schemaProblems(schema: TSchema, value: unknown): Problem[] {
  const errors = [...Value.Errors(schema, value)] as SchemaError[];
  // A type error says it all; typebox also reports the keywords that then fail at the same place.
  const mistyped = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const problems: Problem[] = [];
  const seen = new Set<string>();
  // A value that may also be null fails both branches: "expected a null" says nothing the other does not.
  const typeErrors = errors.filter((e) => e.keyword === 'type');
  const nullable = (e: SchemaError) =>
    e.params.type === 'null' && typeErrors.some((o) => o !== e && o.instancePath === e.instancePath);
  for (const error of errors) {
    if (error.keyword !== 'type' && mistyped.has(error.instancePath)) continue;
    if (error.keyword === 'type' && nullable(error)) continue;
    for (const problem of reword(schema, value, error)) {
      const key = `${problem.path.join('\0')}\0${problem.reason}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

function reword(schema: TSchema, root: unknown, error: SchemaError): Problem[] {
  const path = parsePointer(error.instancePath);
  const value = valueAt(root, path);
  const params = error.params;
  switch (error.keyword) {
    // The unknown key is reported as a `false` subschema at the key; the summary on the parent is redundant.
    case 'additionalProperties':
      return [];
    case 'boolean': {
      const parent = schemaAt(schema, error.schemaPath.replace(/\/additionalProperties$/, ''));
      const known = Object.keys((parent?.properties as object | undefined) ?? {});
      return [{ path, atKey: true, reason: `unknown key "${path.at(-1)}"; expected one of: ${known.join(', ')}` }];
    }
    case 'required':
      return (params.requiredProperties as string[]).map((key) => ({
        path: [...path, key],
        reason: `required key "${key}" is missing`,
      }));
    case 'type':
      return [{ path, reason: `expected ${typeName(String(params.type))}, got ${describe(value)}` }];
    case 'enum':
      return [
        {
          path,
          reason: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`,
        },
      ];
    case 'pattern': {
      const hint = schemaAt(schema, error.schemaPath)?.errorMessage;
      return [
        { path, reason: `${describe(value)} ${typeof hint === 'string' ? hint : `must match ${params.pattern}`}` },
      ];
    }
    case 'minimum':
      return [{ path, reason: `must be at least ${params.limit}, got ${describe(value)}` }];
    case 'maximum':
      return [{ path, reason: `must be at most ${params.limit}, got ${describe(value)}` }];
    case 'minLength':
      return [
        { path, reason: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters` },
      ];
    case 'minItems':
      return [{ path, reason: `must list at least ${params.limit === 1 ? 'one entry' : `${params.limit} entries`}` }];
    case 'maxLength':
      return [{ path, reason: `must be at most ${params.limit} characters long` }];
    default:
      return [{ path, reason: error.message }];
  }
}

function typeName(type: string): string {
  switch (type) {
    case 'object':
      return 'a mapping (key: value lines)';
    case 'array':
      return 'a list';
    case 'integer':
      return 'a whole number';
    default:
      return `a ${type}`;
  }
}

/** A value as the YAML author would recognise it. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

function parsePointer(pointer: string): KeyPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let current = root;
  for (const segment of path) current = (current as Record<string | number, unknown> | undefined)?.[segment];
  return current;
}

function schemaAt(schema: TSchema, schemaPath: string): Record<string, unknown> | undefined {
  return valueAt(schema, parsePointer(schemaPath.replace(/^#/, ''))) as Record<string, unknown> | undefined;
}
