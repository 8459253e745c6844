import { connect, type Socket } from 'node:net';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';

/** The member could not be reached in time, or refused: the caller may try another. */
export class MemberUnreachable extends Error {
  constructor(
    readonly member: MemberSpec,
    reason: string,
  ) {
    super(`member ${member.id} (${member.address}:${member.port}) unreachable: ${reason}`);
  }
}

/** Where node:net connects to reach a member: its address and port, or its Unix socket. */
export function memberEndpoint(member: MemberSpec): { path: string } | { host: string; port: number } {
  return member.socketPath ? { path: member.socketPath } : { host: member.address, port: member.port };
}

/** Opens a connection to a member, within `timeoutMs`. */
export function connectToMember(member: MemberSpec, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ ...memberEndpoint(member), allowHalfOpen: true, noDelay: true });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new MemberUnreachable(member, reason));
    };
    const timer = setTimeout(() => fail(`no connection within ${timeoutMs} ms`), timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      fail((error as NodeJS.ErrnoException).code ?? error.message);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
