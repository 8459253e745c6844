/** What one request (HTTP) or one connection or flow (TCP, UDP) through the proxy leaves in the access log. */
export interface AccessRecord {
  /** ms since the epoch when the connection was accepted or the request's head arrived. */
  start: number;
  protocol: 'HTTP' | 'TCP' | 'UDP';
  listenerId: string;
  poolId: string | null;
  memberId: string | null;
  clientAddress: string;
  clientPort: number;
  /** ms from start until a member connection was ready; -1 when none was. */
  connectMs: number;
  /** ms from start until the member's response head (HTTP); -1 when none came. */
  responseMs: number;
  totalMs: number;
  /** HTTP status sent to the client; 0 for TCP and UDP. */
  status: number;
  bytesIn: number;
  bytesOut: number;
  /** HTTP only: method, path and version as the client sent them. */
  method?: string;
  path?: string;
  httpVersion?: string;
  /** Why weir ended it, when weir did: `no-member`, `refused`, `member-error`, `timeout`; else null. */
  termination: string | null;
}
