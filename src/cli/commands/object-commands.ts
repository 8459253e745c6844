/** Commands that read one object and print it: show, and the stats and the status tree the API keeps for it. */
import type { Command, OptionValues } from 'commander';
import type { Json } from '../../client/octavia-client.ts';
import { addFormatOption, addOutputOptions, type OutputChoice } from '../output/output-options.ts';
import { renderObject } from '../output/render-object.ts';
import { structuredText } from '../output/structured-text.ts';
import type { CliIo } from './cli-io.ts';
import { clientCommand } from './client-command.ts';
import type { ClientSession } from './client-session.ts';
import type { ResourceSpec } from './resource-spec.ts';
import { addTargetArguments, findTarget } from './resource-target.ts';

const STATS_COLUMNS = ['active_connections', 'bytes_in', 'bytes_out', 'request_errors', 'total_connections'];

/** `weir <kind> show`: one object by name or id, field by field. */
export function showCommand(spec: ResourceSpec, io: CliIo): Command {
  return objectCommand('show', `show a ${spec.collection.title}`, spec, io, async (_session, object, values) =>
    renderObject(object, spec.showColumns, values as OutputChoice),
  );
}

/** `weir loadbalancer stats` and `weir listener stats`: the traffic counters of `GET .../{id}/stats`. */
export function statsCommand(spec: ResourceSpec, io: CliIo): Command {
  return objectCommand(
    'stats',
    `traffic counters of a ${spec.collection.title}`,
    spec,
    io,
    async (session, object, values) => {
      const body = await session.client.request('GET', `${spec.collection.path}/${object.id}/stats`);
      return renderObject((body?.stats ?? {}) as Json, STATS_COLUMNS, values as OutputChoice);
    },
  );
}

/**
 * `weir loadbalancer status`: the status tree (listeners, their pools, monitors and members, each with its
 * provisioning and operating status), printed as JSON like `openstack loadbalancer status show`, or as YAML.
 */
export function statusCommand(spec: ResourceSpec, io: CliIo): Command {
  const tree = async (session: ClientSession, object: Json, values: OptionValues) => {
    const body = await session.client.request('GET', `${spec.collection.path}/${object.id}/status`);
    return structuredText(body?.statuses ?? {}, values.format as 'json' | 'yaml');
  };
  const formats = (command: Command) => addFormatOption(command, ['json', 'yaml']);
  return objectCommand('status', 'the status tree of a load balancer', spec, io, tree, formats);
}

/** A command that reads one object named by its arguments and prints what `render` makes of it. */
function objectCommand(
  name: string,
  description: string,
  spec: ResourceSpec,
  io: CliIo,
  render: (session: ClientSession, object: Json, values: OptionValues) => Promise<string>,
  addOutput: (command: Command) => Command = addOutputOptions,
): Command {
  const command = clientCommand(name, description, io, async (session) => {
    const { object } = await findTarget(session, spec, command);
    session.print(await render(session, object, command.opts()));
  });
  addTargetArguments(command, spec, true);
  return addOutput(command);
}
