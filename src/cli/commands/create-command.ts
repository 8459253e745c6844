import type { Command } from 'commander';
import { addOutputOptions, type OutputChoice } from '../output/output-options.ts';
import { renderObject } from '../output/render-object.ts';
import type { CliIo } from './cli-io.ts';
import { clientCommand } from './client-command.ts';
import { addFieldOptions } from './field-options.ts';
import type { ResourceSpec } from './resource-spec.ts';
import { addTargetArguments, findParent } from './resource-target.ts';
import { settledObject } from './settled-object.ts';
import { addTagOptions } from './tag-options.ts';
import { addWaitOptions } from './wait-options.ts';

/** `weir <kind> create`: POST the options as a new object and show it. */
export function createCommand(spec: ResourceSpec, io: CliIo): Command {
  const target = spec.createTarget;
  const command = clientCommand('create', `create a ${spec.collection.title}`, io, async (session) => {
    const values = command.opts();
    const parent = await findParent(session, spec, command);
    const fields = await session.fields(given(values));
    if (target) fields[target.field] = await session.idOf(target.collection, String(command.processedArgs.at(-1)));
    const tagList = tags(values, []);
    if (tagList) fields.tags = tagList;
    const created = await session.client.create(spec.collection, fields, parent?.id);
    const shown = await settledObject(session, command, spec, created, parent);
    session.print(renderObject(shown, spec.showColumns, values as OutputChoice));
  });
  addTargetArguments(command, spec, false);
  if (target) command.argument(target.argument, target.help);
  const given = addFieldOptions(command, spec.createOptions, true);
  const tags = addTagOptions(command, 'create');
  addWaitOptions(addOutputOptions(command));
  return command;
}
