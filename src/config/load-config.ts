/**
 * Reads weir's one config file: YAML parsed with positions kept, defaults filled in, command-line flags applied,
 * then checked by the schema and by the rules the schema cannot express. Every problem found is reported at
 * once in a ConfigError, each with file:line:column, key path and reason.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import Value from 'typebox/value';
import { resolveSubnets, type Subnet } from '../network/subnet.ts';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { formatKeyPath, type Problem } from './problem.ts';
import { type ConfigFile, configSchema } from './schema.ts';
import { schemaProblems } from './schema-problems.ts';
import { semanticProblems } from './semantic-problems.ts';
import { inFileOrder, parseYamlSource, readSourceText } from './yaml-source.ts';

/** Command-line flags that win over the file. */
export interface ConfigOverrides {
  listen?: string;
  dataDir?: string;
}

/** The config weir runs with: the file's sections, subnets resolved, and every default decided. */
export type Config = Omit<ConfigFile, 'store' | 'subnets' | 'node'> & {
  store: Omit<ConfigFile['store'], 'sqlite'> & { sqlite: { path: string } };
  subnets: Subnet[];
  node: { name: string; id?: string };
};

/** Loads the file at `path`, or uses every default when there is none. Throws ConfigError. */
export function loadConfig(path: string | undefined, overrides: ConfigOverrides = {}): Config {
  if (path === undefined) return parseConfig('', '(defaults)', overrides);
  return parseConfig(readSourceText(path), path, overrides);
}

/** Parses config text; `fileName` only labels positions in errors. Throws ConfigError. */
export function parseConfig(text: string, fileName: string, overrides: ConfigOverrides = {}): Config {
  const source = parseYamlSource(text, fileName);
  const flags = new Map<string, string>();
  const raw = source.data ?? {};
  const data = Value.Default(configSchema, raw) as Record<string, unknown>;
  if (isMapping(data) && isMapping(data.server)) {
    if (overrides.listen !== undefined) {
      data.server.listen = overrides.listen;
      flags.set('server.listen', '--listen');
    }
    if (overrides.dataDir !== undefined) {
      data.server.data_dir = overrides.dataDir;
      flags.set('server.data_dir', '--data-dir');
    }
  }

  const locate = (problem: Problem): ConfigIssue => {
    const flag = flags.get(formatKeyPath(problem.path));
    if (flag) return { where: flag, path: formatKeyPath(problem.path), reason: problem.reason };
    return source.locate(problem);
  };

  if (!isMapping(data)) {
    throw new ConfigError([
      locate({ path: [], reason: 'the file must be a mapping of sections (server:, subnets:, ...)' }),
    ]);
  }
  const shapeProblems = schemaProblems(configSchema, data);
  if (shapeProblems.length > 0) throw new ConfigError(inFileOrder(shapeProblems.map(locate)));
  const file = data as ConfigFile;
  const ruleProblems = semanticProblems(file);
  if (ruleProblems.length > 0) throw new ConfigError(inFileOrder(ruleProblems.map(locate)));
  return resolve(file);
}

function resolve(file: ConfigFile): Config {
  return {
    ...file,
    store: { ...file.store, sqlite: { path: file.store.sqlite?.path ?? join(file.server.data_dir, 'weir.sqlite') } },
    subnets: resolveSubnets(file.subnets),
    node: { ...file.node, name: file.node.name ?? hostname() },
  };
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
