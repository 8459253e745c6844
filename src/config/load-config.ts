/**
 * Reads weir's one config file: YAML parsed with positions kept, defaults filled in, command-line flags applied,
 * then checked by the schema and by the rules the schema cannot express. Every problem found is reported at
 * once in a ConfigError, each with file:line:column, key path and reason.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Value from 'typebox/value';
import { LineCounter, parseDocument } from 'yaml';
import { resolveSubnets, type Subnet } from '../network/subnet.ts';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { formatKeyPath, type Problem } from './problem.ts';
import { type ConfigFile, configSchema } from './schema.ts';
import { schemaProblems } from './schema-problems.ts';
import { semanticProblems } from './semantic-problems.ts';
import { yamlPosition } from './yaml-position.ts';

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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ where: path, path: '(file)', reason: readFailure(error as NodeJS.ErrnoException) }]);
  }
  return parseConfig(text, path, overrides);
}

/** Parses config text; `fileName` only labels positions in errors. Throws ConfigError. */
export function parseConfig(text: string, fileName: string, overrides: ConfigOverrides = {}): Config {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => {
        const at = error.linePos?.[0];
        const reason = `invalid YAML: ${error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '')}`;
        if (!at) return { where: fileName, path: '(syntax)', reason };
        return { where: `${fileName}:${at.line}:${at.col}`, line: at.line, column: at.col, path: '(syntax)', reason };
      }),
    );
  }

  const flags = new Map<string, string>();
  const raw = document.toJS() ?? {};
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
    const path = formatKeyPath(problem.path);
    const flag = flags.get(path);
    if (flag) return { where: flag, path, reason: problem.reason };
    const position = yamlPosition(document.contents, lines, problem);
    if (!position) return { where: fileName, path, reason: problem.reason };
    return { where: `${fileName}:${position.line}:${position.column}`, ...position, path, reason: problem.reason };
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

/** Problems read top to bottom, as the file does; flags and file-wide problems first. */
const inFileOrder = (issues: ConfigIssue[]): ConfigIssue[] =>
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readFailure(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'cannot read the file: it does not exist';
    case 'EACCES':
      return 'cannot read the file: permission denied';
    case 'EISDIR':
      return 'cannot read the file: it is a directory';
    default:
      return `cannot read the file: ${error.message}`;
  }
}
