import type { Command } from 'commander';
import type { Query } from '../../client/octavia-client.ts';
import { addOutputOptions, type OutputChoice } from '../output/output-options.ts';
import { renderList } from '../output/render-list.ts';
import type { CliIo } from './cli-io.ts';
import { clientCommand } from './client-command.ts';
import { addFieldOptions } from './field-options.ts';
import type { ResourceSpec } from './resource-spec.ts';
import { addTargetArguments, findParent } from './resource-target.ts';

/** `weir <kind> list`: the filters as query parameters, every page, one row per object. */
export function listCommand(spec: ResourceSpec, io: CliIo): Command {
  const available = [...new Set([...spec.listColumns, ...spec.showColumns])];
  const command = clientCommand('list', `list ${spec.plural}`, io, async (session) => {
    const values = command.opts();
    const parent = await findParent(session, spec, command);
    const fields = await session.fields(filters(values));
    const query: Query = Object.entries(fields).map(([key, value]) => [key, String(value)] as const);
    const objects = await session.client.list(spec.collection, { parent: parent?.id, query });
    session.print(renderList(objects, spec.listColumns, available, values as OutputChoice));
  });
  addTargetArguments(command, spec, false);
  const filters = addFieldOptions(command, spec.listFilters, false);
  return addOutputOptions(command);
}
