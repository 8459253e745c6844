import type { Command } from 'commander';
import { planFile } from '../../declarative/file-plan.ts';
import { planText } from '../../declarative/plan-text.ts';
import type { CliIo } from './cli-io.ts';
import { clientCommand } from './client-command.ts';
import { addFileOptions, fileOptions } from './declarative-options.ts';

/** As diff(1): 0 when nothing differs, 1 when something does, 2 when the file or the API is in trouble. */
export const DIFF_EXIT = { same: 0, different: 1, trouble: 2 } as const;

/** `weir diff -f FILE`: what `weir apply` would change, object by object, without changing anything. */
export function diffCommand(io: CliIo): Command {
  const command = clientCommand(
    'diff',
    'show what weir apply -f FILE would create, update and delete (exit 0: nothing, 1: something, 2: trouble)',
    io,
    async (session) => {
      const { text, fileName, scope } = fileOptions(command, io);
      const { plan } = await planFile(session.client, text, fileName, scope);
      session.print(planText(plan));
      io.exitCode = plan.changes.length === 0 ? DIFF_EXIT.same : DIFF_EXIT.different;
    },
    DIFF_EXIT.trouble,
  );
  return addFileOptions(command);
}
