import ipaddr from 'ipaddr.js';
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { badRequest, displayValue, invalidInput } from './faults.ts';
import { URL_PATH_PATTERN, UUID_PATTERN } from './octavia/schemas/fields.ts';

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/**
 * Checks a request body against its schema and unwraps it: Octavia bodies are `{"<wrapper>": {...}}`. `argument`
 * is the name Octavia's controllers give the body, which its messages quote (`load_balancer`, `listener_`, ...).
 * The first offending attribute is reported the way Octavia's WSME layer words it.
 */
export function parseWrapped(
  schema: TSchema,
  body: unknown,
  wrapper: string,
  argument: string,
): Record<string, unknown> {
  if (!isObject(body) || Object.keys(body).length === 0) throw badRequest(`Missing argument: "${argument}"`);
  const extra = Object.keys(body).filter((key) => key !== wrapper);
  if (extra.length > 0) throw badRequest(`Unknown attribute for argument ${argument}: ${extra.join(', ')}`);
  if (!isObject(body[wrapper])) {
    throw invalidInput(argument, body[wrapper], `Value should be an object of the form {"${wrapper}": {...}}`);
  }
  return check(schema, body[wrapper], `${argument}.${wrapper}`);
}

export function check(schema: TSchema, raw: unknown, argument: string): Record<string, unknown> {
  // Octavia's WSME types coerce as Python would: "83" and 84.5 are ports 83 and 84, "true" is a boolean.
  const value = Value.Convert(schema, structuredClone(raw));
  if (Value.Check(schema, value)) return value as Record<string, unknown>;
  const errors = [...Value.Errors(schema, value)] as SchemaError[];
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  if (unknown) {
    const names = (unknown.params.additionalProperties as string[]).join(', ');
    throw badRequest(`Unknown attribute for argument ${argument}: ${names}`);
  }
  const required = errors.find((e) => e.keyword === 'required');
  if (required) {
    const names = (required.params.requiredProperties as string[]).join(', ');
    throw badRequest(`Invalid input for field/attribute ${names}. Value: 'None'. Mandatory field missing.`);
  }
  const first = mostSpecific(errors);
  const field = fieldName(first.instancePath);
  const actual = pointer(value, first.instancePath);
  throw invalidInput(field, actual, reason(first, actual));
}

/** Within the first offending attribute, prefer the error of the branch the value was meant for over `anyOf`/null. */
function mostSpecific(errors: SchemaError[]): SchemaError {
  const path = errors[0]!.instancePath;
  const same = errors.filter((e) => e.instancePath === path);
  return (
    same.find((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null')) ??
    same[0] ??
    errors[0]!
  );
}

function reason(error: SchemaError, actual: unknown): string {
  const p = error.params;
  switch (error.keyword) {
    case 'minimum':
      return `Value should be greater or equal to ${p.limit}`;
    case 'maximum':
      return `Value should be lower or equal to ${p.limit}`;
    case 'maxLength':
      return `Value should have a maximum character requirement of ${p.limit}`;
    case 'minLength':
      return `Value should have a minimum character requirement of ${p.limit}`;
    case 'maxItems':
      return `Value should have at most ${p.limit} items`;
    case 'enum':
      return `Value should be one of: ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `Value should be ${p.allowedValue}`;
    case 'pattern':
      if (error.params.pattern === UUID_PATTERN) return 'Value should be UUID format';
      if (error.params.pattern === URL_PATH_PATTERN) return 'Value must be a valid URL Path string';
      return `Value should match the pattern ${error.params.pattern}`;
    case 'type':
      if (p.type === 'boolean') return `Value not an unambiguous boolean: ${displayValue(actual)}`;
      if (p.type === 'array') return `Value not a valid list: ${displayValue(actual)}`;
      if (p.type === 'integer') return `invalid literal for int() with base 10: '${displayValue(actual)}'`;
      return `Wrong type. Expected '${p.type}', got '${jsonType(actual)}'`;
    default:
      return 'Invalid value';
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fieldName(instancePath: string): string {
  const parts = instancePath.split('/').filter((part) => part !== '' && !/^\d+$/.test(part));
  return parts.at(-1) ?? 'body';
}

function pointer(value: unknown, instancePath: string): unknown {
  let current = value;
  for (const part of instancePath.split('/').slice(1)) {
    current = isObject(current) || Array.isArray(current) ? (current as Record<string, unknown>)[part] : undefined;
  }
  return current;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Octavia checks addresses and CIDRs by parsing them, after the schema. */
export function requireIpAddress(field: string, value: unknown): string {
  if (typeof value === 'string' && ipaddr.isValid(value)) return ipaddr.parse(value).toString();
  throw invalidInput(field, value, 'Value should be IPv4 or IPv6 format');
}

export function requireCidrs(field: string, values: unknown): void {
  if (!Array.isArray(values)) return;
  for (const value of values) {
    try {
      ipaddr.parseCIDR(String(value));
    } catch {
      throw invalidInput(field, `['${values.join("', '")}']`, 'Value should be IPv4 or IPv6 CIDR format');
    }
  }
}
