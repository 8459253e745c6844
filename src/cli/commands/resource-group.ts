import { Command } from 'commander';
import type { CliIo } from './cli-io.ts';
import { createCommand } from './create-command.ts';
import { deleteCommand } from './delete-command.ts';
import { listCommand } from './list-command.ts';
import { showCommand, statsCommand } from './object-commands.ts';
import type { ResourceSpec } from './resource-spec.ts';
import { setCommand, unsetCommand } from './update-command.ts';

/** `weir <kind>` with create, list, show, set, unset, delete (and stats where the API has them). */
export function resourceGroup(spec: ResourceSpec, io: CliIo): Command {
  const group = new Command(spec.kind).description(`${spec.plural} (Octavia v2 API)`);
  for (const verb of [createCommand, listCommand, showCommand, setCommand, unsetCommand, deleteCommand]) {
    group.addCommand(verb(spec, io));
  }
  if (spec.hasStats) group.addCommand(statsCommand(spec, io));
  return group;
}
