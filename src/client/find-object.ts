import { ClientError } from './client-errors.ts';
import type { Collection } from './collections.ts';
import type { Json, OctaviaClient } from './octavia-client.ts';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * The one object of a collection that `nameOrId` names, as the OpenStack CLI finds it: by ID first, then by name.
 * A name several objects share is an error that lists their IDs, so the user can pick one.
 */
export async function findObject(
  client: OctaviaClient,
  collection: Collection,
  nameOrId: string,
  parent?: { id: string; label: string },
): Promise<Json> {
  const lookup = (key: string) => client.list(collection, { parent: parent?.id, query: [[key, nameOrId]] });
  if (UUID.test(nameOrId) || !collection.named) {
    const [byId] = await lookup('id');
    if (byId) return byId;
  }
  if (collection.named) {
    const byName = await lookup('name');
    if (byName.length === 1) return byName[0]!;
    if (byName.length > 1) {
      const ids = byName.map((object) => object.id).join(', ');
      throw new ClientError(
        `${byName.length} ${collection.title}s are named "${nameOrId}": give one by its ID (${ids})`,
      );
    }
  }
  const within = parent ? ` in ${parent.label}` : '';
  throw new ClientError(`no ${collection.title} with ${collection.named ? 'name or ID' : 'ID'} "${nameOrId}"${within}`);
}
