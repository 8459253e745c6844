import type { Command } from 'commander';
import { applyFilePlan, planFile } from '../../declarative/file-plan.ts';
import { countText, doneText } from '../../declarative/plan-text.ts';
import type { CliIo } from './cli-io.ts';
import { clientCommand } from './client-command.ts';
import { addFileOptions, fileOptions } from './declarative-options.ts';
import { addWaitTimeoutOption, waitTimeoutMs } from './wait-options.ts';

/** `weir apply -f FILE`: makes the service match the file, printing each change as it is made. */
export function applyCommand(io: CliIo): Command {
  const command = clientCommand(
    'apply',
    'make the load balancers match a declarative file: create, update and delete what differs, waiting for ACTIVE',
    io,
    async (session) => {
      const { text, fileName, scope } = fileOptions(command, io);
      const planned = await planFile(session.client, text, fileName, scope);
      if (planned.plan.changes.length === 0) {
        session.print('no differences: nothing to apply\n');
        return;
      }
      await applyFilePlan(session.client, planned, {
        project: scope.project,
        timeoutMs: waitTimeoutMs(command),
        onChange: (change) => session.print(`${doneText(change)}\n`),
      });
      session.print(`applied: ${countText(planned.plan, true)}\n`);
    },
  );
  return addWaitTimeoutOption(addFileOptions(command));
}
