import type { MemberSpec } from '../../model/load-balancer-spec.ts';

/** What the access log says of one HTTP exchange, on either path, filled in as it goes. */
export interface ExchangeRecord {
  start: number;
  member: MemberSpec | null;
  connectMs: number;
  responseMs: number;
  status: number;
  method: string;
  path: string;
  httpVersion: string;
  termination: string | null;
}

/** The record of an exchange starting now: with `member`, or answered by weir itself (null); nothing measured yet. */
export function startedRecord(
  member: MemberSpec | null,
  method: string,
  path: string,
  httpVersion: string,
): ExchangeRecord {
  return {
    start: Date.now(),
    member,
    connectMs: member === null ? -1 : 0,
    responseMs: -1,
    status: 0,
    method,
    path,
    httpVersion,
    termination: null,
  };
}
