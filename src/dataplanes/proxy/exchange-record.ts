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
