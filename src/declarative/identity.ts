/**
 * How an object in a file is found on the service, within its parent:
 * - load balancers by name (within the project);
 * - listeners by the port they take: protocol_port on its transport (TCP for HTTP, HTTPS, TERMINATED_HTTPS, TCP
 *   and PROMETHEUS; UDP; SCTP), which the API also keeps unique per load balancer;
 * - pools by name;
 * - members by address and protocol_port, which the API keeps unique per pool;
 * - a pool's health monitor is the only one it has;
 * - L7 policies by position: the n-th in the file's list is the listener's policy at position n;
 * - L7 rules by what they match: type, key, compare_type, value and invert.
 * Fields outside the identity are updated in place when the API allows it; a change to a field set only at
 * creation (a listener's protocol, a pool's protocol, a monitor's type, a member's subnet) replaces the object.
 */
import type { Json } from '../client/octavia-client.ts';
import type { ObjectKind } from '../client/owning-load-balancer.ts';
import { transportOf } from '../model/compatibility.ts';
import type { ListenerProtocol } from '../model/constants.ts';
import { canonicalAddress } from './same-value.ts';

export interface Identity {
  /** Equal for the object in the file and on the service. */
  key: string;
  /** How messages name it below its parent. */
  segment: string;
}

/** `position` is the object's place among its siblings, from 1 (used for L7 policies). */
export function identityOf(kind: ObjectKind, fields: Json, position: number): Identity {
  switch (kind) {
    case 'loadbalancer':
    case 'pool':
      return { key: String(fields.name ?? ''), segment: String(fields.name ?? '') };
    case 'listener': {
      const port = String(fields.protocol_port);
      return {
        key: `${transportOf(fields.protocol as ListenerProtocol)}:${port}`,
        segment: `${fields.protocol}:${port}`,
      };
    }
    case 'member': {
      const address = String(canonicalAddress(fields.address));
      const host = address.includes(':') && !address.startsWith('unix:') ? `[${address}]` : address;
      return { key: `${address} ${fields.protocol_port}`, segment: `${host}:${fields.protocol_port}` };
    }
    case 'healthmonitor':
      return { key: '', segment: '' };
    case 'l7policy':
      return { key: String(position), segment: String(position) };
    case 'l7rule': {
      const matched = [fields.type, fields.key ?? null, fields.compare_type, fields.value, fields.invert ?? false];
      const key = fields.key == null ? '' : ` ${fields.key}`;
      const not = fields.invert ? ' NOT' : '';
      return {
        key: JSON.stringify(matched),
        segment: `${fields.type}${key}${not} ${fields.compare_type} ${fields.value}`,
      };
    }
  }
}
