import type { Command } from 'commander';
import { exportText } from '../../declarative/export-state.ts';
import { readLiveState } from '../../declarative/live-state.ts';
import { NameLookups } from '../../declarative/name-lookups.ts';
import type { CliIo } from './cli-io.ts';
import { clientCommand } from './client-command.ts';
import { addProjectOption, projectOf } from './declarative-options.ts';

/** `weir export`: the load balancers as a declarative file on stdout, which `weir apply -f` takes back unchanged. */
export function exportCommand(io: CliIo): Command {
  const command = clientCommand(
    'export',
    'print the load balancers, with everything in them, as a declarative file (YAML) for weir apply',
    io,
    async (session) => {
      const live = await readLiveState(session.client, projectOf(command, io));
      session.print(await exportText(live, new NameLookups(session.client)));
    },
  );
  return addProjectOption(command);
}
