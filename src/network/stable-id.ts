/**
 * Ids for objects that live in the config file rather than the store: a name-based UUID (RFC 4122 version 5,
 * SHA-1) so the same name yields the same id on every node and after every restart.
 */
import { createHash } from 'node:crypto';

// Never change these: clients store the ids they derive (a load balancer's vip_subnet_id, for one).
const SUBNET_NAMESPACE = 'de8c694f-dbce-4768-b983-05d96f13ce8f';
const NETWORK_NAMESPACE = '655102bf-0af2-409b-9973-b9a6e4ce5631';

export const subnetIdFor = (name: string): string => nameBasedUuid(SUBNET_NAMESPACE, name);
export const networkIdFor = (name: string): string => nameBasedUuid(NETWORK_NAMESPACE, name);

export function nameBasedUuid(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
