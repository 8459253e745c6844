import type { StoreReader } from '../store/state-store.ts';
import { parseReference } from './secret-reference.ts';

/** The fields of listeners and pools that name key manager objects. */
export const REFERENCE_FIELDS = {
  listener: [
    'default_tls_container_ref',
    'sni_container_refs',
    'client_ca_tls_container_ref',
    'client_crl_container_ref',
  ],
  pool: ['tls_container_ref', 'ca_tls_container_ref', 'crl_container_ref'],
} as const;

export interface Consumer {
  resource_type: 'listener' | 'pool';
  resource_id: string;
}

/** Every reference string an object's fields hold. */
export function referencesOf(kind: keyof typeof REFERENCE_FIELDS, object: Record<string, unknown>): string[] {
  return REFERENCE_FIELDS[kind].flatMap((field) => {
    const value = object[field];
    if (Array.isArray(value)) return value.map(String);
    return typeof value === 'string' ? [value] : [];
  });
}

/**
 * The listeners and pools of a project using each of its key manager objects, keyed `secret/<id>` or
 * `secret_container/<id>`; a secret in a used container is used by the container's users too. weir knows its
 * consumers, so nobody registers them as with Barbican, and a used secret or container cannot be deleted.
 */
export async function consumersByObject(reader: StoreReader, projectId: string): Promise<Map<string, Consumer[]>> {
  const result = new Map<string, Consumer[]>();
  const add = (key: string, consumer: Consumer) => {
    const list = result.get(key) ?? [];
    if (!list.some((c) => c.resource_id === consumer.resource_id)) list.push(consumer);
    result.set(key, list);
  };
  const containers = new Map((await reader.list('secret_container', { project_id: projectId })).map((c) => [c.id, c]));
  for (const kind of ['listener', 'pool'] as const) {
    for (const object of await reader.list(kind, { project_id: projectId })) {
      if (object.provisioning_status === 'DELETED') continue;
      const consumer: Consumer = { resource_type: kind, resource_id: object.id };
      for (const ref of referencesOf(kind, object)) {
        const target = parseReference(ref);
        if (!target) continue;
        add(`${target.kind}/${target.id}`, consumer);
        const container = target.kind === 'secret_container' ? containers.get(target.id) : undefined;
        for (const part of (container?.secret_refs ?? []) as { secret_ref: string }[]) {
          const secret = parseReference(part.secret_ref);
          if (secret) add(`secret/${secret.id}`, consumer);
        }
      }
    }
  }
  return result;
}
