import { type Command, Option } from 'commander';
import { owningLoadBalancer } from '../../client/owning-load-balancer.ts';
import type { CliIo } from './cli-io.ts';
import { clientCommand } from './client-command.ts';
import type { ResourceSpec } from './resource-spec.ts';
import { addTargetArguments, findTarget } from './resource-target.ts';
import { addWaitOptions, waitFor, wantsWait } from './wait-options.ts';

/**
 * `weir <kind> delete`. With `--wait`: a load balancer until it is gone, anything else until its load balancer is
 * ACTIVE again (found before the delete, as the object is gone after it).
 */
export function deleteCommand(spec: ResourceSpec, io: CliIo): Command {
  const command = clientCommand('delete', `delete a ${spec.collection.title}`, io, async (session) => {
    const values = command.opts();
    const { parent, object } = await findTarget(session, spec, command);
    const loadbalancerId = wantsWait(command)
      ? await owningLoadBalancer(session.client, spec.kind, object, parent?.id)
      : undefined;
    const query = flags
      .filter(({ option }) => values[option.attributeName()])
      .map(({ name }) => [name, 'true'] as const);
    await session.client.remove(spec.collection, String(object.id), { parent: parent?.id, query });
    if (loadbalancerId === undefined) return;
    await waitFor(session, command, loadbalancerId, spec.kind === 'loadbalancer' ? 'deleted' : 'active');
  });
  addTargetArguments(command, spec, true);
  const flags = (spec.deleteFlags ?? []).map((flag) => ({
    name: flag.query,
    option: new Option(flag.flag, flag.help),
  }));
  for (const { option } of flags) command.addOption(option);
  return addWaitOptions(command);
}
