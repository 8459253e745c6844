/**
 * Members' addresses through the tenancy walls: checked and normalised before anything is stored, refused with a
 * 400 that names the address and the reason. A member is either an IP address or a `unix:` socket path.
 */
import { parseIpAddress } from '../../network/ip-address.ts';
import { ipMemberRefusal, type MemberWalls } from '../../tenancy/member-walls.ts';
import { checkSocketPath, unixMemberAddress, unixSocketPath } from '../../tenancy/unix-socket-member.ts';
import { badRequest } from '../faults.ts';
import { requireIpAddress } from '../validation.ts';

type Fields = Record<string, unknown>;

/** A new member's body, from create or batch update, with its addresses admitted. */
export function admitMember(walls: MemberWalls, body: Fields): Fields {
  const path = unixSocketPath(String(body.address));
  if (path !== undefined) {
    refuseMonitorOnSocket(body);
    const checked = checkSocketPath(walls.unixSocketDirectories, path);
    if ('refusal' in checked) throw refused('address', String(body.address), checked.refusal);
    return { ...body, address: unixMemberAddress(checked.path) };
  }
  const address = requireIpAddress('address', body.address);
  refuseIp(walls, 'address', address, Number(body.protocol_port));
  const monitorAddress = admitMonitor(walls, address, Number(body.protocol_port), body);
  return body.monitor_address == null ? { ...body, address } : { ...body, address, monitor_address: monitorAddress };
}

/** An update's changes, the monitor endpoint checked when they move it; a member's address never changes. */
export function admitMemberUpdate(walls: MemberWalls, member: Fields, changes: Fields): Fields {
  if (!('monitor_address' in changes || 'monitor_port' in changes)) return changes;
  if (unixSocketPath(String(member.address)) !== undefined) {
    refuseMonitorOnSocket(changes);
    return changes;
  }
  const monitorAddress = admitMonitor(walls, String(member.address), Number(member.protocol_port), {
    ...member,
    ...changes,
  });
  return changes.monitor_address == null ? changes : { ...changes, monitor_address: monitorAddress };
}

/** Where health probes go, monitor_address:monitor_port falling back to the member's own, must be allowed too. */
function admitMonitor(walls: MemberWalls, address: string, port: number, member: Fields): string | null {
  const monitorAddress =
    member.monitor_address == null ? null : requireIpAddress('monitor_address', member.monitor_address);
  const monitorPort = member.monitor_port == null ? port : Number(member.monitor_port);
  refuseIp(walls, monitorAddress === null ? 'address' : 'monitor_address', monitorAddress ?? address, monitorPort);
  return monitorAddress;
}

function refuseIp(walls: MemberWalls, field: string, address: string, port: number): void {
  // The text is ipaddr.js's canonical form, which parses; a zone index does not change where the address leads.
  const reason = ipMemberRefusal(walls, parseIpAddress(address.split('%')[0]!)!, port);
  if (reason) throw refused(field, address, reason);
}

function refuseMonitorOnSocket(fields: Fields): void {
  if (fields.monitor_address != null || fields.monitor_port != null) {
    throw badRequest(
      'Validation failure: a Unix socket member cannot have a monitor_address or monitor_port; ' +
        'its health is checked on the socket itself.',
    );
  }
}

const refused = (field: string, address: string, reason: string) =>
  badRequest(`Validation failure: member ${field} ${address} is not allowed: ${reason}.`);
