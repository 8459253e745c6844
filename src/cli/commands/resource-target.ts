import type { Command } from 'commander';
import type { Json } from '../../client/octavia-client.ts';
import type { ClientSession } from './client-session.ts';
import type { ResourceSpec } from './resource-spec.ts';

export interface ParentRef {
  id: string;
  label: string;
}

/** The positional arguments that name the object: its pool or policy first (members, rules), then, if asked, it. */
export function addTargetArguments(command: Command, spec: ResourceSpec, withObject: boolean): Command {
  if (spec.parent) command.argument(spec.parent.argument, spec.parent.help);
  const by = spec.collection.named ? 'name or ID' : 'ID';
  if (withObject) command.argument(spec.objectArgument, `${by} of the ${spec.collection.title}`);
  return command;
}

/** The pool of a member or the policy of a rule, named by the first argument. */
export async function findParent(
  session: ClientSession,
  spec: ResourceSpec,
  command: Command,
): Promise<ParentRef | undefined> {
  if (!spec.parent) return undefined;
  const name = String(command.processedArgs[0]);
  const parent = await session.find(spec.parent.collection, name);
  return { id: String(parent.id), label: `${spec.parent.collection.title} ${name}` };
}

/** The object the arguments name, and its parent. */
export async function findTarget(
  session: ClientSession,
  spec: ResourceSpec,
  command: Command,
): Promise<{ parent: ParentRef | undefined; object: Json }> {
  const parent = await findParent(session, spec, command);
  const name = String(command.processedArgs[parent ? 1 : 0]);
  return { parent, object: await session.find(spec.collection, name, parent) };
}
