/**
 * `weir config schema` and `weir config check FILE`, as functions returning an exit code, so the CLI only wires
 * them and tests need no process.
 */
import { ConfigError } from './config-error.ts';
import { configJsonSchemaText } from './json-schema.ts';
import { loadConfig } from './load-config.ts';

export interface Output {
  write(text: string): unknown;
}

/** Prints the config file's JSON Schema. */
export function configSchemaCommand(out: Output): number {
  out.write(configJsonSchemaText());
  return 0;
}

/** Validates a config file: says so and returns 0, or prints one line per problem and returns 1. */
export function configCheckCommand(file: string, out: Output, err: Output): number {
  try {
    const config = loadConfig(file);
    const subnets = config.subnets.map((subnet) => `${subnet.name} ${subnet.cidr}`).join(', ');
    out.write(`${file}: valid (subnets: ${subnets})\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err.write(`${error.message}\n`);
    return 1;
  }
}
