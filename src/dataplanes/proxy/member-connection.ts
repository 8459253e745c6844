import { connect, type OnReadOpts, type Socket } from 'node:net';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import { type MemberTls, memberErrorReason } from './member-tls.ts';

/** The member could not be reached in time, or refused: the caller may try another. */
export class MemberUnreachable extends Error {
  constructor(
    readonly member: MemberSpec,
    readonly reason: string,
  ) {
    super(`member ${member.id} (${member.address}:${member.port}) unreachable: ${reason}`);
  }
}

/** Where node:net connects to reach a member: its address and port, or its Unix socket. */
export function memberEndpoint(member: MemberSpec): { path: string } | { host: string; port: number } {
  return member.socketPath ? { path: member.socketPath } : { host: member.address, port: member.port };
}

/** How a connection to a member starts, beyond where it goes and whether over TLS. */
export interface MemberSocketOptions {
  /** A PROXY protocol header: the first thing the member gets, before any handshake. */
  preface?: Buffer | string;
  /** Where a plain connection reads into (Node's `onread`); TLS connections read as streams. */
  onread?: OnReadOpts;
  /** The client's server name, sent on over TLS (see MemberTls.connect). */
  serverName?: string | null;
}

/** Starts a connection to a member, over TLS when its pool has `tls`. */
export function openMemberSocket(
  member: MemberSpec,
  tls: MemberTls | null,
  { preface, onread, serverName = null }: MemberSocketOptions = {},
): Socket {
  if (tls !== null) return tls.connect(member, preface, serverName);
  const socket = connect({ ...memberEndpoint(member), allowHalfOpen: true, noDelay: true, onread });
  if (preface !== undefined) socket.write(preface);
  return socket;
}

/** Opens a connection to a member within `timeoutMs`, its TLS handshake included. */
export function connectToMember(
  member: MemberSpec,
  timeoutMs: number,
  tls: MemberTls | null = null,
  options: MemberSocketOptions = {},
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = openMemberSocket(member, tls, options);
    const fail = (reason: string) => {
      socket.destroy();
      reject(new MemberUnreachable(member, reason));
    };
    const timer = setTimeout(() => fail(`no connection within ${timeoutMs} ms`), timeoutMs);
    const failed = (error: Error) => {
      clearTimeout(timer);
      fail(memberErrorReason(error));
    };
    socket.once('error', failed);
    socket.once(tls === null ? 'connect' : 'secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', failed);
      resolve(socket);
    });
  });
}
