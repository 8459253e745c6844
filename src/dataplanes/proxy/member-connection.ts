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

/** Opens a connection to a member (an address and port, or a Unix socket), within `timeoutMs`. */
export function connectToMember(member: MemberSpec, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = member.socketPath
      ? connect({ path: member.socketPath, allowHalfOpen: true })
      : connect({ host: member.address, port: member.port, allowHalfOpen: true, noDelay: true });
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
