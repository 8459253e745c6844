import { type Command, Option } from 'commander';
import { ClientError } from '../../client/client-errors.ts';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'value'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What `-f` and `-c` asked for. */
export interface OutputChoice {
  format: OutputFormat;
  column?: string[];
}

/** `-f, --format` (table, json, yaml, value) and `-c, --column` (repeatable), as the OpenStack CLI has them. */
export function addOutputOptions(command: Command): Command {
  addFormatOption(command, OUTPUT_FORMATS);
  command.addOption(
    new Option('-c, --column <column>', 'show only this column (repeatable)').argParser(
      (column: string, previous: string[] | undefined) => [...(previous ?? []), column],
    ),
  );
  return command;
}

/** `-f, --format`: the first of `formats` is the default. */
export function addFormatOption(command: Command, formats: readonly OutputFormat[]): Command {
  return command.addOption(new Option('-f, --format <format>', 'output format').choices(formats).default(formats[0]));
}

/**
 * The columns to show: `shown` when no `-c` was given, else the asked ones among `available`, in the order of
 * `available` (as the OpenStack CLI keeps it). A column that does not exist is an error that lists the ones that do.
 */
export function chooseColumns(
  shown: readonly string[],
  available: readonly string[],
  wanted: readonly string[] | undefined,
): readonly string[] {
  if (wanted === undefined || wanted.length === 0) return shown;
  const unknown = wanted.filter((column) => !available.includes(column));
  if (unknown.length > 0) {
    throw new ClientError(`no column ${unknown.map((c) => `"${c}"`).join(', ')}; columns: ${available.join(', ')}`);
  }
  return available.filter((column) => wanted.includes(column));
}
