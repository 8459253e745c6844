import type { Command } from 'commander';
import { ClientError } from '../../client/client-errors.ts';
import { readSourceText } from '../../config/yaml-source.ts';
import type { Scope } from '../../declarative/file-plan.ts';
import type { CliIo } from './cli-io.ts';

/** `--project`, which export, diff and apply take: whose load balancers. */
export function addProjectOption(command: Command): Command {
  return command.option(
    '--project <project_id>',
    'the project whose load balancers these are (default: $OS_PROJECT_ID, else every one the API lists to you)',
  );
}

export function projectOf(command: Command, io: CliIo): string | undefined {
  return (command.opts().project as string | undefined) ?? (io.env.OS_PROJECT_ID || undefined);
}

/** `-f FILE`, `--project` and `--prune` of diff and apply. */
export function addFileOptions(command: Command): Command {
  return addProjectOption(command)
    .requiredOption('-f, --file <file>', 'the declarative file (YAML)')
    .option('--prune', "also delete the project's load balancers the file does not name");
}

/** The file's text and name, and what it describes: pruning needs a project, or it could reach other projects'. */
export function fileOptions(command: Command, io: CliIo): { text: string; fileName: string; scope: Scope } {
  const fileName = command.opts().file as string;
  const prune = command.opts().prune === true;
  const project = projectOf(command, io);
  if (prune && project === undefined) {
    throw new ClientError(
      '--prune needs the project it may delete in: --project or OS_PROJECT_ID (an administrator lists every project)',
    );
  }
  return { text: readSourceText(fileName), fileName, scope: { project, prune } };
}
