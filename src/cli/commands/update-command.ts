import { type Command, Option } from 'commander';
import { ClientError } from '../../client/client-errors.ts';
import type { Json } from '../../client/octavia-client.ts';
import { addOutputOptions, type OutputChoice } from '../output/output-options.ts';
import { renderObject } from '../output/render-object.ts';
import type { CliIo } from './cli-io.ts';
import { clientCommand } from './client-command.ts';
import type { ClientSession } from './client-session.ts';
import { addFieldOptions } from './field-options.ts';
import type { ResourceSpec } from './resource-spec.ts';
import { addTargetArguments, findTarget } from './resource-target.ts';
import { settledObject } from './settled-object.ts';
import { addTagOptions } from './tag-options.ts';
import { addWaitOptions } from './wait-options.ts';

/** The fields a set or unset command line asks to change. */
type Changes = (values: Record<string, unknown>, session: ClientSession) => Promise<Json>;

/** `weir <kind> set`: PUT the given options. */
export function setCommand(spec: ResourceSpec, io: CliIo): Command {
  return updateCommand('set', `change a ${spec.collection.title}`, spec, io, (command) => {
    const given = addFieldOptions(command, spec.setOptions, false);
    return (values, session) => session.fields(given(values));
  });
}

/** `weir <kind> unset`: PUT null for each flag given, which clears the field or puts the API's default back. */
export function unsetCommand(spec: ResourceSpec, io: CliIo): Command {
  return updateCommand('unset', `clear settings of a ${spec.collection.title}`, spec, io, (command) => {
    const flags = spec.unsetFlags.map((flag) => ({ field: flag.field, option: new Option(flag.flag, flag.help) }));
    for (const { option } of flags) command.addOption(option);
    return async (values) =>
      Object.fromEntries(
        flags.filter(({ option }) => values[option.attributeName()]).map(({ field }) => [field, null]),
      );
  });
}

/**
 * What set and unset share: find the object, add the tag change to the verb's own, refuse an empty change, PUT,
 * show the result. `addChanges` adds the verb's options and reads them.
 */
function updateCommand(
  verb: 'set' | 'unset',
  description: string,
  spec: ResourceSpec,
  io: CliIo,
  addChanges: (command: Command) => Changes,
): Command {
  const command = clientCommand(verb, description, io, async (session) => {
    const values = command.opts();
    const { parent, object } = await findTarget(session, spec, command);
    const fields = await changes(values, session);
    const tagList = tags(values, (object.tags as string[] | undefined) ?? []);
    if (tagList) fields.tags = tagList;
    if (Object.keys(fields).length === 0) {
      throw new ClientError(`nothing to ${verb}: give at least one option (weir ${spec.kind} ${verb} --help)`);
    }
    const updated = await session.client.update(spec.collection, String(object.id), fields, parent?.id);
    const shown = await settledObject(session, command, spec, updated, parent);
    session.print(renderObject(shown, spec.showColumns, values as OutputChoice));
  });
  addTargetArguments(command, spec, true);
  const changes = addChanges(command);
  const tags = addTagOptions(command, verb);
  addWaitOptions(addOutputOptions(command));
  return command;
}
