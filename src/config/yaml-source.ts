/**
 * A YAML file read with its positions kept: the plain data to check, and a way to turn a problem found on that data
 * (a key path and a reason) into an issue naming file:line:column. weir's config file and its declarative files are
 * read this way.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { formatKeyPath, type Problem } from './problem.ts';
import { yamlPosition } from './yaml-position.ts';

export interface YamlSource {
  /** The document as plain data; null for an empty file. */
  readonly data: unknown;
  /** The issue of a problem, at the place in the file its key path names. */
  locate(problem: Problem): ConfigIssue;
}

/** Parses `text`; `fileName` only labels positions. A syntax error throws ConfigError with each error's position. */
export function parseYamlSource(text: string, fileName: string): YamlSource {
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
  return {
    data: document.toJS(),
    locate(problem) {
      const path = formatKeyPath(problem.path);
      const position = yamlPosition(document.contents, lines, problem);
      if (!position) return { where: fileName, path, reason: problem.reason };
      return { where: `${fileName}:${position.line}:${position.column}`, ...position, path, reason: problem.reason };
    },
  };
}

/** Issues read top to bottom, as the file does; those without a position (flags, the whole file) first. */
export const inFileOrder = (issues: ConfigIssue[]): ConfigIssue[] =>
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));

/** The text of the file at `path`, or ConfigError saying in a few words why it cannot be read. */
export function readSourceText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([{ where: path, path: '(file)', reason: readFailure(error as NodeJS.ErrnoException) }]);
  }
}

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
