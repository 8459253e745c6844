import type { Command } from 'commander';
import { COLLECTIONS, type Collection } from '../../client/collections.ts';
import { connectFromEnvironment, DEFAULT_ENDPOINT } from '../../client/connect-from-environment.ts';
import { findObject } from '../../client/find-object.ts';
import type { Json, OctaviaClient } from '../../client/octavia-client.ts';
import type { CliIo } from './cli-io.ts';
import type { GivenOption } from './field-options.ts';

/** `--os-endpoint`, which every client command takes, as `openstack --os-endpoint`. */
export function addEndpointOption(command: Command): Command {
  return command.option('--os-endpoint <url>', `weir's API (default: $OS_ENDPOINT, else ${DEFAULT_ENDPOINT})`);
}

/** One command's connection to the API, with the look-ups commands share. */
export class ClientSession {
  private constructor(
    readonly client: OctaviaClient,
    readonly io: CliIo,
  ) {}

  static async open(io: CliIo, command: Command): Promise<ClientSession> {
    const endpoint = command.opts().osEndpoint as string | undefined;
    return new ClientSession(await connectFromEnvironment(io.env, endpoint), io);
  }

  /** The object `nameOrId` names; within a pool or policy for members and rules. */
  find(collection: Collection, nameOrId: string, parent?: { id: string; label: string }): Promise<Json> {
    return findObject(this.client, collection, nameOrId, parent);
  }

  async idOf(collection: Collection, nameOrId: string): Promise<string> {
    return String((await this.find(collection, nameOrId)).id);
  }

  /** The request fields of the given options, with names of other objects replaced by their ids. */
  async fields(given: readonly GivenOption[]): Promise<Json> {
    const fields: Json = {};
    for (const { option, value } of given) fields[option.field] = await this.resolve(option, value);
    return fields;
  }

  print(text: string): void {
    this.io.stdout.write(text);
  }

  private async resolve(option: GivenOption['option'], value: unknown): Promise<unknown> {
    if (!('refersTo' in option) || option.refersTo === undefined) return value;
    const collection = COLLECTIONS[option.refersTo];
    const key = option.refersToKey;
    const one = async (item: unknown): Promise<unknown> => {
      if (key === undefined) return this.idOf(collection, String(item));
      const object = item as Json;
      return { ...object, [key]: await this.idOf(collection, String(object[key])) };
    };
    if (!Array.isArray(value)) return one(value);
    const resolved: unknown[] = [];
    for (const item of value) resolved.push(await one(item));
    return resolved;
  }
}
